using System.Security.Cryptography;
using System.Text;
using Engine.Storage.Archive;
using Engine.Storage.Drivers;
using Engine.Storage.Interop;
using Engine.Storage.Layers;
using Engine.TestKit;

namespace Engine.Storage.Tests;

/// <summary>
/// What every graph driver must do (in the spirit of containerd's snapshotter suite): create, apply, mount,
/// whiteouts and opaque directories, hard links, setuid, xattrs, changes, diffs that apply again to the same
/// result, exact re-export, removal. One subclass per driver.
/// </summary>
public abstract class GraphDriverConformance : IDisposable
{
    private readonly TempRoot _root;
    private readonly LayerStore _layers;

    protected GraphDriverConformance(string driver)
    {
        _root = new TempRoot(driver);
        _layers = _root.Open().Layers;
    }

    public void Dispose() => _root.Dispose();

    private static readonly Dictionary<string, string> Xattr = new() { ["user.conformance"] = "yes" };

    private static TarBuilder Base() => new TarBuilder()
        .Dir("data/").Dir("data/keep/").File("data/keep/a", "one\n", (UnixFileMode)0x9ED) // 04755
        .Hardlink("data/hard", "data/keep/a", (UnixFileMode)0x9ED)
        .Symlink("data/link", "/data/keep/a")
        .Dir("data/gone/").File("data/gone/b", "two\n")
        .Dir("opaque/").File("opaque/old", "x\n")
        .Dir("etc/").File("etc/deleteme", "del\n")
        .File("etc/xattr", "x", xattrs: Xattr);

    private static TarBuilder Top() => new TarBuilder()
        .Dir("data/").Whiteout("data/gone").Dir("data/keep/").File("data/keep/a", "one\nappended\n", (UnixFileMode)0x9ED)
        .File("data/.hidden", "")
        .Dir("etc/").Whiteout("etc/deleteme")
        .Dir("opaque/").Opaque("opaque").File("opaque/fresh", "new\n")
        .Dir("emptydir/");

    private async Task<LayerInfo> Stack()
    {
        var l1 = await _layers.RegisterAsync(Base().ToStream(), null);
        var l2 = await _layers.RegisterAsync(Top().ToStream(), l1.ChainId);
        await _layers.ReleaseAsync(l1.ChainId); // l2 keeps it
        return l2;
    }

    private static void AssertMergedView(string root)
    {
        WhiteoutsView.AssertApplied(root);
        Assert.Equal("yes", Encoding.UTF8.GetString(Sys.LGetXattr(root + "/etc/xattr", "user.conformance")!));
    }

    [Fact]
    public async Task AppliedLayersMountAsOneFileSystem()
    {
        var top = await Stack();
        var rw = await _layers.CreateReadWriteLayerAsync("c1", top.ChainId);
        var root = await rw.MountAsync();
        try
        {
            AssertMergedView(root);
        }
        finally
        {
            await rw.UnmountAsync();
            await _layers.RemoveReadWriteLayerAsync("c1");
        }
    }

    [Fact]
    public async Task ExportedLayersAreByteForByteWhatWasRegistered()
    {
        var baseTar = Base().ToArray();
        var l1 = await _layers.RegisterAsync(new MemoryStream(baseTar), null);
        var l2 = await _layers.RegisterAsync(Top().ToStream(), l1.ChainId);
        foreach (var layer in new[] { l1, l2 })
        {
            await using var s = _layers.ExportLayer(layer.ChainId);
            Assert.Equal(layer.DiffId, "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(s)));
        }
        await using var again = _layers.ExportLayer(l1.ChainId);
        var ms = new MemoryStream();
        await again.CopyToAsync(ms);
        Assert.Equal(baseTar, ms.ToArray());
    }

    [Fact]
    public async Task ContainerChangesFollowDockerSemantics()
    {
        var top = await Stack();
        var rw = await _layers.CreateReadWriteLayerAsync("c2", top.ChainId);
        var root = await rw.MountAsync();
        try
        {
            File.WriteAllText(root + "/data/new", "n");            // add in an existing dir
            File.AppendAllText(root + "/etc/xattr", "more");      // modify
            File.Delete(root + "/opaque/fresh");                  // delete
            Directory.CreateDirectory(root + "/made/deep");        // added dirs
            File.WriteAllText(root + "/made/deep/f", "f");

            var changes = rw.Changes().Select(c => $"{(int)c.Kind} {c.Path}").ToArray();
            Assert.Equal(new[]
            {
                "0 /data", "1 /data/new", "0 /etc", "0 /etc/xattr",
                "1 /made", "1 /made/deep", "1 /made/deep/f",
                "0 /opaque", "2 /opaque/fresh",
            }, changes);
            Assert.True(rw.Size() >= 6);
        }
        finally
        {
            await rw.UnmountAsync();
        }

        // The diff applies on the same parent to the same file system.
        LayerInfo committed;
        await using (var diff = rw.Diff())
        {
            committed = await _layers.RegisterAsync(diff, top.ChainId);
        }
        var rw2 = await _layers.CreateReadWriteLayerAsync("c3", committed.ChainId);
        var root2 = await rw2.MountAsync();
        try
        {
            Assert.Equal("n", File.ReadAllText(root2 + "/data/new"));
            Assert.Equal("xmore", File.ReadAllText(root2 + "/etc/xattr"));
            Assert.Equal("yes", Encoding.UTF8.GetString(Sys.LGetXattr(root2 + "/etc/xattr", "user.conformance")!));
            Assert.False(File.Exists(root2 + "/opaque/fresh"));
            Assert.Equal("f", File.ReadAllText(root2 + "/made/deep/f"));
            Assert.Equal(0x9EDu, Sys.LStatOrThrow(root2 + "/data/keep/a").Permissions);
        }
        finally
        {
            await rw2.UnmountAsync();
            await _layers.RemoveReadWriteLayerAsync("c3");
            await _layers.RemoveReadWriteLayerAsync("c2");
        }
    }

    [Fact]
    public async Task DiffOfReplacedDirectoryHidesTheOldContent()
    {
        var top = await Stack();
        var rw = await _layers.CreateReadWriteLayerAsync("c4", top.ChainId);
        var root = await rw.MountAsync();
        Directory.Delete(root + "/data", recursive: true);
        Directory.CreateDirectory(root + "/data");
        File.WriteAllText(root + "/data/only", "o");
        await rw.UnmountAsync();
        LayerInfo committed;
        await using (var diff = rw.Diff())
        {
            committed = await _layers.RegisterAsync(diff, top.ChainId);
        }
        var rw2 = await _layers.CreateReadWriteLayerAsync("c5", committed.ChainId);
        var root2 = await rw2.MountAsync();
        try
        {
            Assert.Equal(new[] { "only" }, Directory.EnumerateFileSystemEntries(root2 + "/data").Select(p => Path.GetFileName(p)!).ToArray());
        }
        finally
        {
            await rw2.UnmountAsync();
            await _layers.RemoveReadWriteLayerAsync("c5");
            await _layers.RemoveReadWriteLayerAsync("c4");
        }
    }

    [Fact]
    public async Task DeepChainsMount()
    {
        LayerInfo? top = null;
        const int depth = 120;
        for (var i = 0; i < depth; i++)
        {
            var l = await _layers.RegisterAsync(new TarBuilder().File($"f{i}", i.ToString()).ToStream(), top?.ChainId);
            if (top is not null)
            {
                await _layers.ReleaseAsync(top.ChainId);
            }
            top = l;
        }
        var rw = await _layers.CreateReadWriteLayerAsync("deep", top!.ChainId);
        var root = await rw.MountAsync();
        try
        {
            Assert.Equal("0", File.ReadAllText(root + "/f0"));
            Assert.Equal((depth - 1).ToString(), File.ReadAllText(root + $"/f{depth - 1}"));
        }
        finally
        {
            await rw.UnmountAsync();
            await _layers.RemoveReadWriteLayerAsync("deep");
        }
        await _layers.ReleaseAsync(top.ChainId);
        Assert.Empty(_layers.Layers());
        Assert.Empty(_layers.Driver.List());
    }

    [Fact]
    public async Task RemovingLeavesNothing()
    {
        var top = await Stack();
        var rw = await _layers.CreateReadWriteLayerAsync("c6", top.ChainId);
        await rw.MountAsync();
        await _layers.RemoveReadWriteLayerAsync("c6"); // mounted: unmounted first
        Assert.Equal(2, _layers.Layers().Count);
        var removed = await _layers.ReleaseAsync(top.ChainId);
        Assert.Equal(2, removed.Count);
        Assert.Empty(_layers.Driver.List());
        Assert.Empty(Sys.MountPointsUnder(_root.Path));
    }
}

public sealed class VfsConformance() : GraphDriverConformance("vfs");

[Trait("Category", "Root")]
public sealed class OverlayConformance() : GraphDriverConformance("overlay");
