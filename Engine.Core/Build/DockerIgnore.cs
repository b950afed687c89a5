using System.Text;
using System.Text.RegularExpressions;
using Engine.Storage.Errors;

namespace Engine.Core.Build;

/// <summary>
/// .dockerignore patterns: one per line, Go filepath.Match syntax (* and ? stay inside one path component,
/// [classes], \ escapes) plus ** for any number of components, '!' re-includes what an earlier line excluded
/// (the last matching line wins), a pattern also excludes everything below a directory it matches.
/// Blank lines and lines starting with '#' are skipped; patterns are cleaned as paths (leading '/' dropped).
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exclusion)> _patterns;

    private DockerIgnore(List<(Regex, bool)> patterns) => _patterns = patterns;

    public static DockerIgnore Empty { get; } = new([]);

    public bool IsEmpty => _patterns.Count == 0;

    public static DockerIgnore Parse(string text)
    {
        var patterns = new List<(Regex, bool)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var exclusion = line.StartsWith('!');
            if (exclusion)
            {
                line = line[1..].Trim();
                if (line.Length == 0)
                {
                    throw EngineException.Invalid("Illegal exclusion pattern: !");
                }
            }
            line = CleanPath(line);
            if (line.Length == 0)
            {
                continue;
            }
            patterns.Add((new Regex(ToRegex(line), RegexOptions.CultureInvariant | RegexOptions.Singleline), exclusion));
        }
        return new DockerIgnore(patterns);
    }

    /// <summary>True when <paramref name="relativePath"/> (slash-separated, relative to the context) is excluded.</summary>
    public bool IsExcluded(string relativePath)
    {
        var path = CleanPath(relativePath);
        var excluded = false;
        foreach (var (pattern, exclusion) in _patterns)
        {
            if (Matches(pattern, path))
            {
                excluded = !exclusion;
            }
        }
        return excluded;
    }

    private static bool Matches(Regex pattern, string path)
    {
        if (pattern.IsMatch(path))
        {
            return true;
        }
        // A pattern that names a directory covers everything below it.
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            if (pattern.IsMatch(path[..slash]))
            {
                return true;
            }
        }
        return false;
    }

    internal static string CleanPath(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                continue;
            }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }

    private static string ToRegex(string pattern) =>
        Glob.ToRegex(pattern, doubleStar: true)
        ?? throw EngineException.Invalid($"Error in .dockerignore pattern \"{pattern}\": syntax error in pattern");
}
