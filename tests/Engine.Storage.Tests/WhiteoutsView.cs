using Engine.Storage.Interop;

namespace Engine.Storage.Tests;

/// <summary>What a root file system shows once the fixture's three layers (whiteouts, opaque dir, hard link) are applied.</summary>
internal static class WhiteoutsView
{
    public static void AssertApplied(string root)
    {
        Assert.Equal("one\nappended\n", File.ReadAllText(root + "/data/keep/a"));
        Assert.Equal(0x9EDu, Sys.LStatOrThrow(root + "/data/keep/a").Permissions);
        Assert.Equal("one\n", File.ReadAllText(root + "/data/hard"));
        Assert.Equal("/data/keep/a", Sys.ReadLink(root + "/data/link"));
        Assert.False(Directory.Exists(root + "/data/gone"));
        Assert.False(File.Exists(root + "/etc/deleteme"));
        Assert.Equal(new[] { "fresh" }, Directory.EnumerateFileSystemEntries(root + "/opaque").Select(p => Path.GetFileName(p)!).ToArray());
        Assert.Equal("new\n", File.ReadAllText(root + "/opaque/fresh"));
        Assert.True(Directory.Exists(root + "/emptydir"));
        Assert.True(File.Exists(root + "/data/.hidden"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(root, ".wh.*", SearchOption.AllDirectories));
    }
}
