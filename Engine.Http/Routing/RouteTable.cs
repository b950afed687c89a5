namespace Engine.Http.Routing;

/// <summary>
/// A small route table matched on decoded path segments. Templates use "{name}" for one segment and
/// "{name*}" for a run of one or more segments (image names such as "library/busybox:latest"); a
/// greedy parameter may be followed by literals ("/images/{name*}/json"). Literal templates are
/// tried before templates with parameters, so "/images/json" beats "/images/{name*}".
/// </summary>
internal sealed class RouteTable<THandler>
    where THandler : class
{
    private readonly List<Entry> _entries = [];

    public RouteTable<THandler> Add(string method, string template, THandler handler)
    {
        var segments = template.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var literalOnly = segments.All(s => !s.StartsWith('{'));
        var entry = new Entry(method, segments, handler, literalOnly);
        if (literalOnly)
        {
            _entries.Insert(_entries.FindLastIndex(e => e.LiteralOnly) + 1, entry);
        }
        else
        {
            _entries.Add(entry);
        }
        return this;
    }

    /// <summary>Finds the handler for a method and a path without version prefix.</summary>
    public bool TryMatch(string method, string path, out THandler? handler, out Dictionary<string, string> values)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var entry in _entries)
        {
            if (!string.Equals(entry.Method, method, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            values = new Dictionary<string, string>(StringComparer.Ordinal);
            if (Match(entry.Segments, segments, values))
            {
                handler = entry.Handler;
                return true;
            }
        }
        handler = null;
        values = [];
        return false;
    }

    private static bool Match(string[] template, string[] path, Dictionary<string, string> values)
    {
        var greedy = Array.FindIndex(template, s => s.EndsWith("*}", StringComparison.Ordinal));
        if (greedy < 0)
        {
            if (template.Length != path.Length)
            {
                return false;
            }
            for (var i = 0; i < template.Length; i++)
            {
                if (!MatchSegment(template[i], path[i], values))
                {
                    return false;
                }
            }
            return true;
        }
        var suffix = template.Length - greedy - 1;
        if (path.Length < template.Length)
        {
            return false;
        }
        for (var i = 0; i < greedy; i++)
        {
            if (!MatchSegment(template[i], path[i], values))
            {
                return false;
            }
        }
        for (var i = 0; i < suffix; i++)
        {
            if (!MatchSegment(template[template.Length - 1 - i], path[path.Length - 1 - i], values))
            {
                return false;
            }
        }
        values[template[greedy][1..^2]] = string.Join('/', path[greedy..(path.Length - suffix)]);
        return true;
    }

    private static bool MatchSegment(string template, string segment, Dictionary<string, string> values)
    {
        if (template.StartsWith('{'))
        {
            values[template[1..^1]] = segment;
            return true;
        }
        return string.Equals(template, segment, StringComparison.Ordinal);
    }

    private sealed record Entry(string Method, string[] Segments, THandler Handler, bool LiteralOnly);
}
