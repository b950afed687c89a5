using System.Text;
using System.Text.Json;
using Engine.Storage.Errors;

namespace Engine.Core.Build.Dockerfile;

/// <summary>
/// The Dockerfile parser of Docker 1.7 (builder/parser): lines starting with '#' are comments, a trailing '\'
/// continues a line (comment and blank lines inside a continuation are skipped), the first word is the
/// instruction. Arguments are split per instruction: RUN/CMD/ENTRYPOINT take a JSON array or the rest of the
/// line; ADD/COPY/VOLUME a JSON array or whitespace-separated words; ENV/LABEL name=value pairs (quotes kept for
/// the later expansion) or the old "name value" form; EXPOSE words; the others the rest of the line.
/// </summary>
public static class DockerfileParser
{
    public static IReadOnlyList<Instruction> Parse(string text)
    {
        var result = new List<Instruction>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var pending = new StringBuilder();
        var continuing = false;
        foreach (var raw in lines)
        {
            if (continuing && StripComment(raw.Trim()).Length == 0)
            {
                continue;
            }
            // A continuation line is joined as written (Docker 1.7 keeps its leading blanks).
            var line = continuing ? raw.TrimEnd() : StripComment(raw.Trim());
            if (!continuing && line.Length == 0)
            {
                continue;
            }
            if (EndsWithContinuation(line, out var cut))
            {
                pending.Append(cut);
                continuing = true;
                continue;
            }
            pending.Append(line);
            continuing = false;
            AddLine(result, pending.ToString());
            pending.Clear();
        }
        if (pending.Length > 0)
        {
            AddLine(result, pending.ToString());
        }
        return result;
    }

    /// <summary>Parses one line (no continuations), as ONBUILD triggers and commit changes are.</summary>
    public static Instruction ParseLine(string line)
    {
        var trimmed = line.Trim();
        var split = trimmed.IndexOfAny([' ', '\t']);
        var command = (split < 0 ? trimmed : trimmed[..split]).ToLowerInvariant();
        var rest = split < 0 ? "" : trimmed[(split + 1)..].Trim();
        switch (command)
        {
            case "run" or "cmd" or "entrypoint":
                return TryJsonArray(rest, out var exec) ? new(command, exec, true, trimmed) : new(command, rest.Length == 0 ? [] : [rest], false, trimmed);
            case "add" or "copy" or "volume":
                return TryJsonArray(rest, out var list) ? new(command, list, true, trimmed) : new(command, Words(rest), false, trimmed);
            case "env" or "label":
                return new(command, NameValues(rest, command.ToUpperInvariant()), false, trimmed);
            case "expose":
                return new(command, Words(rest), false, trimmed);
            case "onbuild":
                if (rest.Length == 0)
                {
                    throw EngineException.Invalid("ONBUILD requires at least one argument");
                }
                var trigger = ParseLine(rest);
                return new(command, [rest], false, trimmed, trigger);
            default:
                return new(command, rest.Length == 0 ? [] : [rest], false, trimmed);
        }
    }

    private static void AddLine(List<Instruction> result, string line)
    {
        if (line.Trim().Length > 0)
        {
            result.Add(ParseLine(line));
        }
    }

    private static string StripComment(string line) => line.StartsWith('#') ? "" : line;

    private static bool EndsWithContinuation(string line, out string cut)
    {
        var end = line.Length;
        while (end > 0 && line[end - 1] is ' ' or '\t')
        {
            end--;
        }
        if (end > 0 && line[end - 1] == '\\')
        {
            cut = line[..(end - 1)];
            return true;
        }
        cut = line;
        return false;
    }

    private static bool TryJsonArray(string text, out List<string> values)
    {
        values = [];
        if (!text.StartsWith('['))
        {
            return false;
        }
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                return false;
            }
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.String)
                {
                    return false;
                }
                values.Add(e.GetString()!);
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static List<string> Words(string text) => [.. text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>
    /// ENV/LABEL: "a=1 b='x y'" gives [a, 1, b, 'x y'] (quotes and backslashes stay for the expansion step);
    /// when the first word has no '=', the old form "name value with spaces" gives [name, value with spaces].
    /// </summary>
    internal static List<string> NameValues(string rest, string instruction)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var blankOk = false;
        var inWord = false;
        char quote = '\0';
        for (var pos = 0; pos < rest.Length; pos++)
        {
            var ch = rest[pos];
            if (quote != '\0')
            {
                if (ch == quote)
                {
                    quote = '\0';
                }
                else if (ch == '\\' && quote != '\'' && pos + 1 < rest.Length)
                {
                    word.Append(ch);
                    ch = rest[++pos];
                }
                word.Append(ch);
                continue;
            }
            if (char.IsWhiteSpace(ch))
            {
                if (inWord && (blankOk || word.Length > 0))
                {
                    var w = word.ToString();
                    words.Add(w);
                    if (!w.Contains('=', StringComparison.Ordinal))
                    {
                        words.Add(rest[pos..].Trim());
                        word.Clear();
                        inWord = false;
                        break;
                    }
                }
                word.Clear();
                blankOk = false;
                inWord = false;
                continue;
            }
            inWord = true;
            if (ch is '\'' or '"')
            {
                quote = ch;
                blankOk = true;
            }
            else if (ch == '\\')
            {
                if (pos + 1 == rest.Length)
                {
                    continue;
                }
                word.Append(ch);
                ch = rest[++pos];
            }
            word.Append(ch);
        }
        if (inWord && (blankOk || word.Length > 0))
        {
            words.Add(word.ToString());
        }
        if (words.Count == 0)
        {
            throw EngineException.Invalid($"{instruction} requires at least one argument");
        }
        var result = new List<string>();
        if (!words[0].Contains('=', StringComparison.Ordinal))
        {
            var parts = rest.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2)
            {
                throw EngineException.Invalid($"{instruction} must have two arguments");
            }
            result.Add(parts[0]);
            result.Add(parts[1].Trim());
            return result;
        }
        foreach (var w in words)
        {
            var eq = w.IndexOf('=');
            if (eq < 0)
            {
                throw EngineException.Invalid($"Syntax error - can't find = in \"{w}\". Must be of the form: name=value");
            }
            result.Add(w[..eq]);
            result.Add(w[(eq + 1)..]);
        }
        return result;
    }
}
