using System.IO.Compression;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Engine.TestKit;

namespace Engine.Storage.Tests;

public abstract class ImageStoreTests : IDisposable
{
    private readonly TempRoot _root;

    protected ImageStoreTests(string driver) => _root = new TempRoot(driver);

    public void Dispose() => _root.Dispose();

    private static MemoryStream RootFs(string marker = "one") =>
        new TarBuilder().Dir("bin/").File("bin/hello", "#!/bin/sh\necho " + marker + "\n", (UnixFileMode)0x1ED).Dir("etc/").File("etc/marker", marker).ToStream();

    private static MemoryStream Gzip(MemoryStream tar)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            tar.CopyTo(gz);
        }
        ms.Position = 0;
        return ms;
    }

    [Fact]
    public async Task ImportGetTagDelete()
    {
        var (layers, images) = _root.Open();
        var tar = RootFs().ToArray();
        var image = await images.ImportAsync(Gzip(new MemoryStream(tar)), new ImportOptions { Repository = "test/app", Tag = "v1", Comment = "hi" });

        var diffId = Layers.Digests.Sha256(tar);
        Assert.Equal([diffId], image.DiffIds);
        Assert.Equal(diffId, image.TopChainId);
        Assert.Equal(Layers.Digests.Sha256(images.GetConfigBytes(image.Id)), image.Id);
        Assert.Equal(["test/app:v1"], image.RepoTags);
        Assert.Equal("hi", image.Comment);
        Assert.True(image.Size > 0);
        Assert.Equal(image.Size, image.VirtualSize);

        Assert.Equal(image.Id, images.Get("test/app:v1").Id);
        Assert.Equal(image.Id, images.Get(image.Id).Id);
        Assert.Equal(image.Id, images.Get(image.Id[7..]).Id);
        Assert.Equal(image.Id, images.Get(image.Id[7..8]).Id);
        Assert.Null(images.TryGet("test/app"));
        var nf = Assert.Throws<EngineException>(() => images.Get("test/app"));
        Assert.Equal(ErrorKind.NotFound, nf.Kind);
        Assert.Equal("No such image: test/app:latest", nf.Message);

        await images.TagAsync("test/app:v1", "test/app", null, force: false);
        Assert.Equal(image.Id, images.Get("test/app").Id);
        await images.TagAsync(image.Id, "other", "x", force: false);

        var bad = await Assert.ThrowsAsync<EngineException>(() => images.TagAsync(image.Id, "Upper", null, false));
        Assert.Equal(ErrorKind.InvalidParameter, bad.Kind);
        await Assert.ThrowsAsync<EngineException>(() => images.TagAsync(image.Id, "ok", ".bad", false));

        // A second image, and a tag conflict with it.
        var second = await images.ImportAsync(RootFs("two"), new ImportOptions());
        var conflict = await Assert.ThrowsAsync<EngineException>(() => images.TagAsync(second.Id, "test/app", "v1", force: false));
        Assert.Equal(ErrorKind.Conflict, conflict.Kind);
        await images.TagAsync(second.Id, "test/app", "v2", force: false);

        // Untag while other names remain.
        var r1 = await images.DeleteAsync("test/app:v1", false, false, _ => false);
        Assert.Equal([new ImageDeleteResult("test/app:v1", null)], r1);
        Assert.NotNull(images.TryGet(image.Id));

        // By id with names in two repositories: refused without force.
        var multi = await Assert.ThrowsAsync<EngineException>(() => images.DeleteAsync(image.Id[7..19], false, false, _ => false));
        Assert.Equal(ErrorKind.Conflict, multi.Kind);

        // In use by a stopped container: must be forced; by a running one: cannot be.
        await images.DeleteAsync("other:x", false, false, _ => false);
        var used = await Assert.ThrowsAsync<EngineException>(() => images.DeleteAsync("test/app", false, false, id => id == image.Id ? new ImageUser("c0ffee", false) : null));
        Assert.Equal(ErrorKind.Conflict, used.Kind);
        Assert.StartsWith($"conflict: unable to delete {image.Id[7..19]} (must be forced) - image is being used by stopped container c0ffee", used.Message);
        var running = await Assert.ThrowsAsync<EngineException>(() => images.DeleteAsync("test/app", true, false, id => new ImageUser("c0ffee", true)));
        Assert.Contains("(cannot be forced) - image is being used by running container c0ffee", running.Message);
        Assert.NotNull(images.TryGet("test/app"));

        var r2 = await images.DeleteAsync("test/app", false, false, _ => false);
        Assert.Equal(new ImageDeleteResult("test/app:latest", null), r2[0]);
        Assert.Equal(new ImageDeleteResult(null, image.Id), r2[1]);
        Assert.Equal(new ImageDeleteResult(null, diffId), r2[2]);
        Assert.Null(images.TryGet(image.Id));
        Assert.Null(layers.TryGetLayer(diffId));
        Assert.Single(images.List());
    }

    [Fact]
    public async Task SameContentSharesTheLayer()
    {
        var (layers, images) = _root.Open();
        var a = await images.ImportAsync(RootFs(), new ImportOptions { Repository = "a" });
        var b = await images.ImportAsync(RootFs(), new ImportOptions { Repository = "b" });
        Assert.NotEqual(a.Id, b.Id); // created times differ
        Assert.Single(layers.Layers());
        Assert.Equal(2, layers.References(a.TopChainId!));
        await images.DeleteAsync("a", false, false, _ => false);
        Assert.Single(layers.Layers());
        await images.DeleteAsync("b", false, false, _ => false);
        Assert.Empty(layers.Layers());
        Assert.Empty(layers.Driver.List());
    }

    [Fact]
    public async Task PersistsAcrossInstances()
    {
        var (layers, images) = _root.Open();
        var image = await images.ImportAsync(RootFs(), new ImportOptions { Repository = "keep", Tag = "1" });
        var rw = await layers.CreateReadWriteLayerAsync("container1", image.TopChainId);
        var path = await rw.MountAsync();
        File.WriteAllText(path + "/written", "data");
        await rw.UnmountAsync();

        // Leftovers of a crash: a half-made layer dir and metadata under tmp.
        layers.Driver.Create("deadbeef", null);
        Directory.CreateDirectory(Path.Combine(_root.Path, "image", layers.DriverName, "layerdb", "tmp", "half"));

        (layers, images) = _root.Open();
        var again = images.Get("keep:1");
        Assert.Equal(image.Id, again.Id);
        Assert.Equal(image.Created, again.Created);
        Assert.Equal(image.VirtualSize, again.VirtualSize);
        Assert.False(layers.Driver.Exists("deadbeef"));
        Assert.False(Directory.Exists(Path.Combine(_root.Path, "image", layers.DriverName, "layerdb", "tmp")));
        Assert.Equal(2, layers.References(image.TopChainId!)); // the image and the container layer

        var rw2 = layers.GetReadWriteLayer("container1");
        Assert.Equal(image.TopChainId, rw2.ParentChainId);
        var path2 = await rw2.MountAsync();
        Assert.Equal("data", File.ReadAllText(path2 + "/written"));
        Assert.True(File.Exists(path2 + "/bin/hello"));
        Assert.True(rw2.Size() >= 4);
        await rw2.UnmountAsync();

        // The image is in use: its layer stays until the container layer goes.
        await images.DeleteAsync("keep:1", false, false, _ => false);
        Assert.NotNull(layers.TryGetLayer(image.TopChainId!));
        await layers.RemoveReadWriteLayerAsync("container1");
        await layers.RemoveReadWriteLayerAsync("container1");
        Assert.Null(layers.TryGetLayer(image.TopChainId!));
        Assert.Empty(layers.Driver.List());
        Assert.Throws<EngineException>(() => layers.GetReadWriteLayer("container1"));
    }

    [Fact]
    public async Task ReadWriteLayerMountsAreCounted()
    {
        var (layers, images) = _root.Open();
        var image = await images.ImportAsync(RootFs(), new ImportOptions());
        var rw = await layers.CreateReadWriteLayerAsync("c", image.TopChainId);
        var p1 = await rw.MountAsync();
        var p2 = await rw.MountAsync();
        Assert.Equal(p1, p2);
        await rw.UnmountAsync();
        Assert.True(File.Exists(p1 + "/etc/marker"));
        await rw.UnmountAsync();
        if (layers.DriverName == "overlay")
        {
            Assert.False(Interop.Sys.IsMountPoint(p1));
        }
        await layers.RemoveReadWriteLayerAsync("c");
    }

    [Fact]
    public async Task BadLayerLeavesNothingBehind()
    {
        var (layers, images) = _root.Open();
        var e = await Assert.ThrowsAsync<EngineException>(() => images.ImportAsync(new TarBuilder().File("a", "x").RawHeader("../x", '0').ToStream(), new ImportOptions()));
        Assert.Equal(ErrorKind.InvalidParameter, e.Kind);
        Assert.Empty(layers.Layers());
        Assert.Empty(layers.Driver.List());
        Assert.Empty(images.List());
    }
}

public sealed class VfsImageStoreTests() : ImageStoreTests("vfs");

[Trait("Category", "Root")]
public sealed class OverlayImageStoreTests() : ImageStoreTests("overlay");
