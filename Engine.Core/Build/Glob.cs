using System.Text;
using System.Text.RegularExpressions;

namespace Engine.Core.Build;

/// <summary>Go's path.Match patterns as regular expressions, with .dockerignore's "**" where asked.</summary>
internal static class Glob
{
    /// <summary>
    /// '*' and '?' never cross '/', [classes] with '^' (or '!') negation and ranges, '\' escapes; with
    /// <paramref name="doubleStar"/>, "**" (and "**/") spans directories. Null for a malformed pattern.
    /// </summary>
    public static string? ToRegex(string pattern, bool doubleStar)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var ch = pattern[i];
            switch (ch)
            {
                case '*' when doubleStar && i + 1 < pattern.Length && pattern[i + 1] == '*':
                    i++;
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                    {
                        i++;
                    }
                    sb.Append(i + 1 >= pattern.Length ? ".*" : "(.*/)?");
                    break;
                case '*':
                    sb.Append("[^/]*");
                    break;
                case '?':
                    sb.Append("[^/]");
                    break;
                case '[':
                    var close = pattern.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        return null;
                    }
                    var body = pattern[(i + 1)..close];
                    var negate = body.StartsWith('^') || body.StartsWith('!');
                    sb.Append(negate ? "[^" : "[").Append(Regex.Escape(negate ? body[1..] : body).Replace("\\-", "-", StringComparison.Ordinal)).Append(']');
                    i = close;
                    break;
                case '\\' when i + 1 < pattern.Length:
                    sb.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                default:
                    sb.Append(Regex.Escape(ch.ToString()));
                    break;
            }
        }
        return sb.Append('$').ToString();
    }
}
