using System.Buffers;
using System.Globalization;
using System.Text;

namespace Engine.Http.Hijack;

/// <summary>
/// The request line and headers of one HTTP/1.x request, as the hijack middleware reads them before
/// deciding who serves the request. Lines may end with CRLF or a bare LF (Docker.DotNet).
/// </summary>
internal sealed class HttpRequestHead
{
    /// <summary>Heads larger than this are left to Kestrel (which answers 431).</summary>
    public const int MaxHeadSize = 64 * 1024;

    private HttpRequestHead(string method, string target, string protocol, List<KeyValuePair<string, string>> headers)
    {
        Method = method;
        Target = target;
        Protocol = protocol;
        Headers = headers;
        var pathAndQuery = target;
        if (pathAndQuery.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || pathAndQuery.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var slash = pathAndQuery.IndexOf('/', pathAndQuery.IndexOf("//", StringComparison.Ordinal) + 2);
            pathAndQuery = slash < 0 ? "/" : pathAndQuery[slash..];
        }
        var q = pathAndQuery.IndexOf('?');
        var rawPath = q < 0 ? pathAndQuery : pathAndQuery[..q];
        QueryString = q < 0 ? "" : pathAndQuery[(q + 1)..];
        Path = Uri.UnescapeDataString(rawPath);
    }

    public string Method { get; }
    /// <summary>The request target as sent.</summary>
    public string Target { get; }
    /// <summary>The decoded path without the query.</summary>
    public string Path { get; }
    /// <summary>The query without '?'.</summary>
    public string QueryString { get; }
    public string Protocol { get; }
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The first value of a header (names compare case-insensitively), or null.</summary>
    public string? this[string name]
    {
        get
        {
            foreach (var (key, value) in Headers)
            {
                if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }
            return null;
        }
    }

    /// <summary>Docker hijacks with 101 when the client sent an Upgrade header (Upgrade: tcp), else a raw 200.</summary>
    public bool WantsUpgrade => !string.IsNullOrWhiteSpace(this["Upgrade"]);

    public bool ExpectsContinue => string.Equals(this["Expect"]?.Trim(), "100-continue", StringComparison.OrdinalIgnoreCase);

    public bool HasTransferEncoding => this["Transfer-Encoding"] is not null;

    public bool IsChunked => this["Transfer-Encoding"] is { } te && te.Split(',').Select(s => s.Trim()).LastOrDefault()?.Equals("chunked", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The Content-Length: null when absent, -1 when invalid.</summary>
    public long? ContentLength
    {
        get
        {
            var value = this["Content-Length"];
            if (value is null)
            {
                return null;
            }
            return long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
        }
    }

    /// <summary>
    /// Finds the end of a head at the start of <paramref name="buffer"/> (the position after the
    /// empty line). Leading empty lines (allowed before a request line) are part of the head.
    /// </summary>
    public static bool TryFindEnd(in ReadOnlySequence<byte> buffer, out SequencePosition end)
    {
        var reader = new SequenceReader<byte>(buffer);
        var sawRequestLine = false;
        while (reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            var empty = line.Length == 0 || (line.Length == 1 && line.FirstSpan[0] == (byte)'\r');
            if (empty && sawRequestLine)
            {
                end = reader.Position;
                return true;
            }
            sawRequestLine |= !empty;
        }
        end = default;
        return false;
    }

    /// <summary>Parses a complete head (as delimited by <see cref="TryFindEnd"/>); null when malformed.</summary>
    public static HttpRequestHead? Parse(in ReadOnlySequence<byte> head)
    {
        var text = Encoding.Latin1.GetString(head);
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).SkipWhile(l => l.Length == 0).ToList();
        if (lines.Count == 0)
        {
            return null;
        }
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return null;
        }
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0)
            {
                break;
            }
            var colon = line.IndexOf(':');
            if (colon <= 0 || line[..colon].Contains(' ', StringComparison.Ordinal) || line[..colon].Contains('\t', StringComparison.Ordinal))
            {
                return null;
            }
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
        }
        return new HttpRequestHead(parts[0], parts[1], parts[2], headers);
    }
}
