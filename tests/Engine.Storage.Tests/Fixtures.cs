using Engine.TestKit;

namespace Engine.Storage.Tests;

/// <summary>The shared fixture archives. Missing outside CI: the test reports itself skipped, saying why; missing in CI: it fails.</summary>
internal static class Fixtures
{
    public static string Image(string file)
    {
        var dir = TestPaths.FixturesDir;
        var path = dir is null ? null : Path.Combine(dir, "images", file);
        if (path is not null && File.Exists(path))
        {
            return path;
        }
        var reason = $"NOT RUN: fixture images/{file} not found (no shared/fixtures above {AppContext.BaseDirectory})";
        if (TestPaths.InCi)
        {
            Assert.Fail(reason + " and CI=true: fixtures are required in CI");
        }
        // xunit 2's dynamic skip: the runner reports this test as skipped with the message.
        throw new SkipTestException("$XunitDynamicSkip$" + reason);
    }

    private sealed class SkipTestException(string message) : Exception(message);
}
