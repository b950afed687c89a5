using Engine.TestKit;

namespace Engine.Http.Tests.Images;

/// <summary>
/// The shared fixture archives (shared/fixtures/images). Outside CI without that directory, tests using them are
/// reported skipped with the reason; in CI they run and a missing fixture fails them.
/// </summary>
internal static class ImageFixtures
{
    public static string? SkipReason =>
        TestPaths.FixturesDir is null && !TestPaths.InCi
            ? $"NOT RUN: no shared/fixtures directory above {AppContext.BaseDirectory} (fixture tests run where it exists, and always in CI)"
            : null;

    public static string Archive(string file)
    {
        var dir = TestPaths.FixturesDir;
        var path = dir is null ? null : Path.Combine(dir, "images", file);
        if (path is null || !File.Exists(path))
        {
            Assert.Fail($"fixture images/{file} not found (fixtures dir: {dir ?? "none"}, CI={TestPaths.InCi})");
        }
        return path!;
    }

    /// <summary>What `docker run --rm fixture/whiteouts:1` prints (the fixture README).</summary>
    public const string WhiteoutsOutput = "one\nappended\n/data:\n.\n..\n.hidden\nhard\nkeep\nlink\n\n/opaque:\n.\n..\nfresh\n";
}

/// <summary>A fact that needs the shared fixtures: skipped, saying so, when they are absent outside CI.</summary>
public sealed class ImageFixtureFactAttribute : FactAttribute
{
    public ImageFixtureFactAttribute() => Skip = ImageFixtures.SkipReason;
}

/// <summary>A theory that needs the shared fixtures: skipped, saying so, when they are absent outside CI.</summary>
public sealed class ImageFixtureTheoryAttribute : TheoryAttribute
{
    public ImageFixtureTheoryAttribute() => Skip = ImageFixtures.SkipReason;
}
