using System.Text;
using Engine.Storage.Errors;

namespace Engine.Core.Build.Dockerfile;

/// <summary>
/// Docker 1.7's environment expansion of one Dockerfile word (builder/shell_parser): $NAME, ${NAME},
/// ${NAME:-default}, ${NAME:+alternative}; single quotes take everything literally, double quotes allow $ and
/// escape only \" and \$; outside quotes a backslash escapes the next character. Quotes are removed.
/// Unset variables expand to "".
/// </summary>
public static class ShellWord
{
    public static string Expand(string word, IReadOnlyList<string>? env)
    {
        var pos = 0;
        return Process(word, ref pos, env ?? [], stopChar: null);
    }

    private static string Process(string word, ref int pos, IReadOnlyList<string> env, char? stopChar)
    {
        var result = new StringBuilder();
        while (pos < word.Length)
        {
            var ch = word[pos];
            if (stopChar is { } stop && ch == stop)
            {
                pos++;
                break;
            }
            switch (ch)
            {
                case '\'':
                    pos++;
                    while (pos < word.Length && word[pos] != '\'')
                    {
                        result.Append(word[pos++]);
                    }
                    pos++;
                    break;
                case '"':
                    pos++;
                    result.Append(DoubleQuoted(word, ref pos, env));
                    break;
                case '$':
                    result.Append(Dollar(word, ref pos, env));
                    break;
                case '\\':
                    pos++;
                    if (pos < word.Length)
                    {
                        result.Append(word[pos++]);
                    }
                    break;
                default:
                    result.Append(ch);
                    pos++;
                    break;
            }
        }
        return result.ToString();
    }

    private static string DoubleQuoted(string word, ref int pos, IReadOnlyList<string> env)
    {
        var result = new StringBuilder();
        while (pos < word.Length)
        {
            var ch = word[pos];
            if (ch == '"')
            {
                pos++;
                break;
            }
            if (ch == '$')
            {
                result.Append(Dollar(word, ref pos, env));
                continue;
            }
            pos++;
            if (ch == '\\')
            {
                if (pos >= word.Length)
                {
                    break;
                }
                if (word[pos] is '"' or '$')
                {
                    ch = word[pos++];
                }
            }
            result.Append(ch);
        }
        return result.ToString();
    }

    private static string Dollar(string word, ref int pos, IReadOnlyList<string> env)
    {
        pos++; // '$'
        if (pos < word.Length && word[pos] == '{')
        {
            pos++;
            var name = Name(word, ref pos);
            if (pos < word.Length && word[pos] == '}')
            {
                pos++;
                return Lookup(env, name);
            }
            if (pos < word.Length && word[pos] == ':')
            {
                pos++;
                var modifier = pos < word.Length ? word[pos++] : '\0';
                var alternative = Process(word, ref pos, env, '}');
                var value = Lookup(env, name);
                return modifier switch
                {
                    '+' => value.Length > 0 ? alternative : value,
                    '-' => value.Length == 0 ? alternative : value,
                    _ => throw EngineException.Invalid($"Unsupported modifier ({modifier}) in substitution: {word}"),
                };
            }
            throw EngineException.Invalid($"Missing ':' in substitution: {word}");
        }
        var plain = Name(word, ref pos);
        return plain.Length == 0 ? "$" : Lookup(env, plain);
    }

    /// <summary>Letters, digits and '_'; a leading digit is a name by itself ($1).</summary>
    private static string Name(string word, ref int pos)
    {
        var start = pos;
        if (pos < word.Length && char.IsAsciiDigit(word[pos]))
        {
            pos++;
            return word[start..pos];
        }
        while (pos < word.Length && (char.IsLetterOrDigit(word[pos]) || word[pos] == '_'))
        {
            pos++;
        }
        return word[start..pos];
    }

    private static string Lookup(IReadOnlyList<string> env, string name)
    {
        foreach (var entry in env)
        {
            var eq = entry.IndexOf('=');
            if (eq < 0 ? entry == name : string.CompareOrdinal(entry, 0, name, 0, Math.Max(eq, name.Length)) == 0 && eq == name.Length)
            {
                return eq < 0 ? "" : entry[(eq + 1)..];
            }
        }
        return "";
    }
}
