using System.Buffers;
using System.Text;

namespace Engine.Core.Logs;

/// <summary>
/// Docker's json-file line: <c>{"log":"...","stream":"stdout","time":"RFC3339Nano"}\n</c>, the string escaped
/// as Go's encoding/json does (&lt; &gt; &amp; as \u003c \u003e \u0026, invalid UTF-8 as \ufffd).
/// </summary>
internal static class JsonLogEncoding
{
    private static readonly byte[] Prefix = "{\"log\":\""u8.ToArray();
    private static readonly byte[] StdoutMiddle = "\",\"stream\":\"stdout\",\"time\":\""u8.ToArray();
    private static readonly byte[] StderrMiddle = "\",\"stream\":\"stderr\",\"time\":\""u8.ToArray();
    private static readonly byte[] Suffix = "\"}\n"u8.ToArray();
    private static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();

    public static void WriteLine(IBufferWriter<byte> output, bool stderr, ReadOnlySpan<byte> log, DateTimeOffset time)
    {
        output.Write(Prefix);
        WriteEscaped(output, log);
        output.Write(stderr ? StderrMiddle : StdoutMiddle);
        WriteTime(output, time);
        output.Write(Suffix);
    }

    /// <summary>Go's time.RFC3339Nano in UTC: fraction without trailing zeros, "Z".</summary>
    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static void WriteTime(IBufferWriter<byte> output, DateTimeOffset time)
    {
        var span = output.GetSpan(40);
        var n = Encoding.ASCII.GetBytes(FormatTime(time), span);
        output.Advance(n);
    }

    private static void WriteEscaped(IBufferWriter<byte> output, ReadOnlySpan<byte> s)
    {
        while (!s.IsEmpty)
        {
            // Copy the longest run that needs no escaping in one go.
            var run = 0;
            while (run < s.Length)
            {
                var b = s[run];
                if (b < 0x20 || b == '"' || b == '\\' || b == '<' || b == '>' || b == '&' || b >= 0x80)
                {
                    break;
                }
                run++;
            }
            if (run > 0)
            {
                output.Write(s[..run]);
                s = s[run..];
                continue;
            }
            var c = s[0];
            if (c >= 0x80)
            {
                var status = Rune.DecodeFromUtf8(s, out var rune, out var consumed);
                if (status != OperationStatus.Done)
                {
                    WriteUnicodeEscape(output, 0xfffd);
                    s = s[Math.Max(consumed, 1)..];
                    continue;
                }
                if (rune.Value is 0x2028 or 0x2029)
                {
                    WriteUnicodeEscape(output, rune.Value);
                }
                else
                {
                    output.Write(s[..consumed]);
                }
                s = s[consumed..];
                continue;
            }
            switch (c)
            {
                case (byte)'"': output.Write("\\\""u8); break;
                case (byte)'\\': output.Write("\\\\"u8); break;
                case (byte)'\n': output.Write("\\n"u8); break;
                case (byte)'\r': output.Write("\\r"u8); break;
                case (byte)'\t': output.Write("\\t"u8); break;
                default: WriteUnicodeEscape(output, c); break;
            }
            s = s[1..];
        }
    }

    private static void WriteUnicodeEscape(IBufferWriter<byte> output, int value)
    {
        var span = output.GetSpan(6);
        span[0] = (byte)'\\';
        span[1] = (byte)'u';
        span[2] = Hex[(value >> 12) & 0xf];
        span[3] = Hex[(value >> 8) & 0xf];
        span[4] = Hex[(value >> 4) & 0xf];
        span[5] = Hex[value & 0xf];
        output.Advance(6);
    }

    /// <summary>Parses one line written by <see cref="WriteLine"/> (or by Docker). Returns false for a malformed line.</summary>
    public static bool TryParseLine(ReadOnlySpan<byte> line, out bool stderr, out byte[] log, out DateTimeOffset time)
    {
        stderr = false;
        log = [];
        time = default;
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != System.Text.Json.JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("log"u8))
                {
                    reader.Read();
                    log = reader.ValueIsEscaped || reader.HasValueSequence ? Encoding.UTF8.GetBytes(reader.GetString() ?? "") : reader.ValueSpan.ToArray();
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    stderr = reader.ValueTextEquals("stderr"u8);
                }
                else if (reader.ValueTextEquals("time"u8))
                {
                    reader.Read();
                    var text = reader.GetString();
                    if (text is not null && !DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out time))
                    {
                        // Go may write 9 fraction digits; .NET parses at most 7.
                        time = ParseGoTime(text);
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    internal static DateTimeOffset ParseGoTime(string text)
    {
        var dot = text.IndexOf('.');
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }
            if (end - dot - 1 > 7)
            {
                text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
            }
        }
        return DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
    }
}
