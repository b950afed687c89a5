using Engine.TestKit;

namespace Engine.Storage.Tests;

/// <summary>
/// The shared fixture archives. Without a shared/fixtures directory outside CI, tests using them are reported
/// skipped with the reason (xunit 2 decides skips at discovery, hence the attributes); in CI they run and a
/// missing fixture fails them.
/// </summary>
internal static class Fixtures
{
    public static string? SkipReason =>
        TestPaths.FixturesDir is null && !TestPaths.InCi
            ? $"NOT RUN: no shared/fixtures directory above {AppContext.BaseDirectory} (fixture tests run where it exists, and always in CI)"
            : null;

    public static string Image(string file)
    {
        var dir = TestPaths.FixturesDir;
        var path = dir is null ? null : Path.Combine(dir, "images", file);
        if (path is null || !File.Exists(path))
        {
            Assert.Fail($"fixture images/{file} not found (fixtures dir: {dir ?? "none"}, CI={TestPaths.InCi})");
        }
        return path!;
    }
}

/// <summary>A fact that needs the shared fixtures: skipped, saying so, when they are absent outside CI.</summary>
public sealed class FixtureFactAttribute : FactAttribute
{
    public FixtureFactAttribute() => Skip = Fixtures.SkipReason;
}

/// <summary>A theory that needs the shared fixtures: skipped, saying so, when they are absent outside CI.</summary>
public sealed class FixtureTheoryAttribute : TheoryAttribute
{
    public FixtureTheoryAttribute() => Skip = Fixtures.SkipReason;
}
