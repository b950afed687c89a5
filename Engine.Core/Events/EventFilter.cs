namespace Engine.Core.Events;

/// <summary>Docker's event filters: event, image, container, type, label (key or key=value). Values of one filter OR, filters AND.</summary>
internal static class EventFilter
{
    public static bool Matches(EngineEvent e, IReadOnlyDictionary<string, IReadOnlyList<string>> filters)
    {
        foreach (var (name, values) in filters)
        {
            if (values.Count == 0)
            {
                continue;
            }
            var ok = name.ToLowerInvariant() switch
            {
                "event" => values.Contains(e.Action, StringComparer.Ordinal),
                "type" => values.Contains(e.Type, StringComparer.Ordinal),
                "container" => e.Type == "container" && values.Any(v => MatchesContainer(e, v)),
                "image" => values.Any(v => MatchesImage(e, v)),
                "label" => values.Any(v => MatchesLabel(e, v)),
                _ => true,
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    private static bool MatchesContainer(EngineEvent e, string v) =>
        e.ActorId.StartsWith(v, StringComparison.Ordinal)
        || (e.Attributes.TryGetValue("name", out var n) && (n == v || n == v.TrimStart('/')));

    private static bool MatchesImage(EngineEvent e, string v)
    {
        var image = e.Type == "image" ? e.ActorId : e.From;
        return image == v || StripLatest(image) == StripLatest(v)
            || (e.Attributes.TryGetValue("image", out var i) && (i == v || StripLatest(i) == StripLatest(v)));
    }

    private static string StripLatest(string s) => s.EndsWith(":latest", StringComparison.Ordinal) ? s[..^7] : s;

    private static bool MatchesLabel(EngineEvent e, string v)
    {
        var eq = v.IndexOf('=');
        return eq < 0
            ? e.Attributes.ContainsKey(v)
            : e.Attributes.TryGetValue(v[..eq], out var value) && value == v[(eq + 1)..];
    }
}
