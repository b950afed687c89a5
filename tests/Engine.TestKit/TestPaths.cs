namespace Engine.TestKit;

/// <summary>Where tests find shared material and make their temporary state.</summary>
public static class TestPaths
{
    /// <summary>True when running in CI (CI=true): fixture-based tests must then run, never report "not run".</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>../shared/fixtures beside the repository, or null when this checkout has none.</summary>
    public static string? FixturesDir
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "fixtures");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
            return null;
        }
    }

    /// <summary>A new unique directory under /tmp for one test's data; the caller deletes it.</summary>
    public static string NewTempDir(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(path);
        return path;
    }
}
