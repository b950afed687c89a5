using System.Text;
using Engine.Storage.Archive;
using Engine.Storage.Errors;
using Engine.Storage.Interop;
using Engine.TestKit;

namespace Engine.Storage.Tests;

public sealed class LayerApplierTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDir("engine-apply");
    private string Target => _dir + "/root";
    private string Sentinel => _dir + "/sentinel";

    public LayerApplierTests()
    {
        Directory.CreateDirectory(Target);
        Directory.CreateDirectory(Sentinel);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Task<long> Apply(TarBuilder tar, WhiteoutMode mode = WhiteoutMode.Delete) =>
        LayerApplier.ApplyAsync(tar.ToStream(), Target, mode);

    private void AssertSentinelUntouched()
    {
        Assert.Empty(Directory.EnumerateFileSystemEntries(Sentinel));
        Assert.Equal(new[] { "root", "sentinel" }, Directory.EnumerateFileSystemEntries(_dir).Select(p => Path.GetFileName(p)!).Order().ToArray());
    }

    [Fact]
    public async Task AppliesFilesDirsLinksModesTimesAndXattrs()
    {
        var tar = new TarBuilder()
            .Dir("bin/")
            .File("bin/app", "#!/bin/sh\n", (UnixFileMode)0xDED) // 06755: setuid + setgid
            .Symlink("bin/sh", "/bin/app")
            .Hardlink("bin/app2", "bin/app", (UnixFileMode)0xDED)
            .File("etc/conf", "x", xattrs: new Dictionary<string, string> { ["user.test"] = "value" })
            .Fifo("run/fifo");
        var size = await Apply(tar);

        Assert.Equal(11, size);
        Assert.Equal("#!/bin/sh\n", File.ReadAllText(Target + "/bin/app"));
        var app = Sys.LStatOrThrow(Target + "/bin/app");
        Assert.Equal(0xDEDu, app.Permissions);
        Assert.Equal(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero).ToUnixTimeSeconds(), app.MtimeSec);
        Assert.Equal(2u, (uint)app.NLink);
        Assert.Equal(app.Inode, Sys.LStatOrThrow(Target + "/bin/app2").Inode);
        Assert.Equal("/bin/app", Sys.ReadLink(Target + "/bin/sh"));
        Assert.Equal("value", Encoding.UTF8.GetString(Sys.LGetXattr(Target + "/etc/conf", "user.test")!));
        Assert.Equal(FileStatus.S_IFIFO, Sys.LStatOrThrow(Target + "/run/fifo").Type);
        Assert.Equal(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero).ToUnixTimeSeconds(), Sys.LStatOrThrow(Target + "/bin").MtimeSec);
    }

    [Fact]
    public async Task WhiteoutsDeleteInVfsMode()
    {
        await Apply(new TarBuilder().File("a/keep", "1").File("a/gone", "2").File("o/old", "3").Dir("o/sub/").File("o/sub/x", "4"));
        await Apply(new TarBuilder().Whiteout("a/gone").Dir("o/").File("o/new", "5").Opaque("o").Whiteout("missing"));

        Assert.True(File.Exists(Target + "/a/keep"));
        Assert.False(File.Exists(Target + "/a/gone"));
        Assert.Equal(new[] { "new" }, Directory.EnumerateFileSystemEntries(Target + "/o").Select(p => Path.GetFileName(p)!).ToArray());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Target, ".wh.*", SearchOption.AllDirectories));
    }

    [Fact]
    [Trait("Category", "Root")]
    public async Task WhiteoutsBecomeOverlayFormInOverlayMode()
    {
        await Apply(new TarBuilder().Dir("o/").Whiteout("a/gone").Opaque("o").File("o/new", "5"), WhiteoutMode.Overlay);

        var wh = Sys.LStatOrThrow(Target + "/a/gone");
        Assert.True(wh.IsWhiteout);
        Assert.Equal("y", Encoding.ASCII.GetString(Sys.LGetXattr(Target + "/o", LayerApplier.OverlayOpaqueXattr)!));
        Assert.True(File.Exists(Target + "/o/new"));
        Assert.False(File.Exists(Target + "/o/.wh..wh..opq"));
    }

    [Fact]
    [Trait("Category", "Root")]
    public async Task OwnershipAndDevicesAsRoot()
    {
        await Apply(new TarBuilder().File("f", "x", uid: 1234, gid: 5678).CharDevice("dev/null", 1, 3));
        var f = Sys.LStatOrThrow(Target + "/f");
        Assert.Equal((1234u, 5678u), (f.Uid, f.Gid));
        var dev = Sys.LStatOrThrow(Target + "/dev/null");
        Assert.True(dev.IsCharDevice);
        Assert.Equal((1u, 3u), (dev.RDevMajor, dev.RDevMinor));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    public async Task RejectsNamesClimbingOut(string name)
    {
        var e = await Assert.ThrowsAsync<EngineException>(() => Apply(new TarBuilder().RawHeader(name, '0', content: "x"u8.ToArray())));
        Assert.Equal(ErrorKind.InvalidParameter, e.Kind);
        Assert.Contains("outside", e.Message);
        AssertSentinelUntouched();
    }

    [Fact]
    public async Task AbsoluteNamesStayInside()
    {
        await Apply(new TarBuilder().RawHeader(Sentinel + "/abs", '0', content: "x"u8.ToArray()));
        AssertSentinelUntouched();
        Assert.True(File.Exists(Target + Sentinel + "/abs"));
    }

    [Fact]
    public async Task RejectsRelativeSymlinkClimbingOut()
    {
        var e = await Assert.ThrowsAsync<EngineException>(() => Apply(new TarBuilder().Symlink("a/link", "../../sentinel")));
        Assert.Equal(ErrorKind.InvalidParameter, e.Kind);
        AssertSentinelUntouched();
    }

    [Fact]
    public async Task RejectsHardlinkClimbingOut()
    {
        File.WriteAllText(_dir + "/secret", "s");
        try
        {
            var e = await Assert.ThrowsAsync<EngineException>(() => Apply(new TarBuilder().Hardlink("h", "../secret")));
            Assert.Equal(ErrorKind.InvalidParameter, e.Kind);
        }
        finally
        {
            File.Delete(_dir + "/secret");
        }
        AssertSentinelUntouched();
    }

    [Fact]
    public async Task HardlinkThroughPlantedSymlinkStaysInside()
    {
        File.WriteAllText(Sentinel + "/../secret", "s");
        try
        {
            // A symlink to the host's directory, then a hard link "through" it: resolved inside the root, so the target is missing.
            var e = await Assert.ThrowsAsync<EngineException>(() => Apply(new TarBuilder().Symlink("d", _dir).Hardlink("h", "d/secret")));
            Assert.Equal(ErrorKind.InvalidParameter, e.Kind);
        }
        finally
        {
            File.Delete(_dir + "/secret");
        }
        AssertSentinelUntouched();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WritesThroughPlantedSymlinkStayInside(bool absolute)
    {
        // An absolute symlink is followed inside the root, as in a chroot; a relative one that climbs out is refused.
        var tar = new TarBuilder().Symlink("evil", absolute ? Sentinel : "../sentinel").File("evil/pwned", "x").Dir("evil/sub/");
        if (absolute)
        {
            await Apply(tar);
            Assert.True(File.Exists(Target + Sentinel + "/pwned"));
        }
        else
        {
            await Assert.ThrowsAsync<EngineException>(() => Apply(tar));
        }
        AssertSentinelUntouched();
    }

    [Fact]
    public async Task SymlinkChainsAndDotDotAreClampedAtTheRoot()
    {
        var tar = new TarBuilder().Symlink("a", "/b/../../../..").Dir("b/").File("a/c/x", "y");
        await Apply(tar);
        Assert.True(File.Exists(Target + "/c/x"));
        AssertSentinelUntouched();
    }

    [Fact]
    public async Task WhiteoutThroughSymlinkStaysInside()
    {
        File.WriteAllText(Sentinel + "/victim", "v");
        await Apply(new TarBuilder().Symlink("s", Sentinel).Whiteout("s/victim"));
        Assert.True(File.Exists(Sentinel + "/victim"));
        File.Delete(Sentinel + "/victim");
        AssertSentinelUntouched();
    }

    [Fact]
    public async Task TruncatedArchiveIsAnError()
    {
        var tar = new TarBuilder().File("a", Enumerable.Repeat((byte)7, 4000).ToArray()).Truncate(3000);
        var e = await Assert.ThrowsAsync<EngineException>(() => Apply(tar));
        Assert.Equal(ErrorKind.InvalidParameter, e.Kind);
    }

    [Fact]
    public async Task GarbageIsAnError()
    {
        var bytes = new byte[1024];
        new Random(1).NextBytes(bytes);
        var e = await Assert.ThrowsAsync<EngineException>(() => LayerApplier.ApplyAsync(new MemoryStream(bytes), Target, WhiteoutMode.Delete));
        Assert.Equal(ErrorKind.InvalidParameter, e.Kind);
    }
}
