using Engine.Storage.Drivers;
using Engine.Storage.ImageArchives;
using Engine.Storage.Images;
using Engine.Storage.Layers;
using Engine.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Storage.Tests;

public sealed class CommitAndServicesTests : IDisposable
{
    private readonly TempRoot _root = new("vfs");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task CommitMakesAChildImage()
    {
        var (layers, images) = _root.Open();
        var parent = await images.ImportAsync(new TarBuilder().Dir("etc/").File("etc/a", "1").ToStream(), new ImportOptions { Repository = "base", Config = new ContainerConfig { Cmd = ["/bin/sh"] } });
        var rw = await layers.CreateReadWriteLayerAsync("c1", parent.TopChainId);
        var root = await rw.MountAsync();
        File.WriteAllText(root + "/etc/b", "2");
        File.Delete(root + "/etc/a");
        await rw.UnmountAsync();

        var child = await images.CommitAsync(rw, null, "msg", "me", "child", "v1", "c1", new ContainerConfig { Image = "base", Cmd = ["touch", "/etc/b"] });
        Assert.Equal(parent.Id, child.Parent);
        Assert.Equal(["child:v1"], child.RepoTags);
        Assert.Equal(2, child.DiffIds.Count);
        Assert.Equal(["/bin/sh"], child.Config!.Cmd!);
        Assert.Equal("c1", child.Container);
        Assert.Equal("me", child.Author);
        Assert.Equal("touch /etc/b", child.ConfigHistory[^1].CreatedBy);
        Assert.Equal([child.Id, parent.Id], images.History("child:v1").Select(i => i.Id));
        Assert.True(child.Size > 0 && child.VirtualSize > child.Size);

        var rw2 = await layers.CreateReadWriteLayerAsync("c2", child.TopChainId);
        var root2 = await rw2.MountAsync();
        Assert.Equal("2", File.ReadAllText(root2 + "/etc/b"));
        Assert.False(File.Exists(root2 + "/etc/a"));
        await layers.RemoveReadWriteLayerAsync("c2");
        await layers.RemoveReadWriteLayerAsync("c1");

        // The parent has a child: it cannot go first. Deleting the child prunes the untagged parent... only when untagged.
        var e = await Assert.ThrowsAsync<Errors.EngineException>(() => images.DeleteAsync(parent.Id, true, false, _ => false));
        Assert.Contains("image has dependent child images", e.Message);
        await images.DeleteAsync("base", false, false, _ => false); // untag only: it still has a child
        Assert.NotNull(images.TryGet(parent.Id));
        var deleted = await images.DeleteAsync("child:v1", false, false, _ => false);
        Assert.Contains(new ImageDeleteResult(null, child.Id), deleted);
        Assert.Contains(new ImageDeleteResult(null, parent.Id), deleted);
        Assert.Empty(images.List());
        Assert.Empty(layers.Layers());
    }

    [Fact]
    public void AddEngineStorageRegistersReplaceableSingletons()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IGraphDriver>(_ => new VfsDriver(Path.Combine(_root.Path, "vfs")));
        services.AddEngineStorage();
        services.Configure<StorageOptions>(o => o.DataRoot = _root.Path);
        using var provider = services.BuildServiceProvider();
        Assert.IsType<VfsDriver>(provider.GetRequiredService<IGraphDriver>());
        Assert.Same(provider.GetRequiredService<LayerStore>(), provider.GetRequiredService<ILayerStore>());
        Assert.IsType<ImageStore>(provider.GetRequiredService<IImageStore>());
        Assert.IsType<ImageArchive>(provider.GetRequiredService<IImageArchive>());
    }

    [Fact]
    [Trait("Category", "Root")]
    public void DefaultDriverIsOverlayWhenTheHostCanMountIt()
    {
        var services = new ServiceCollection();
        services.AddEngineStorage();
        services.Configure<StorageOptions>(o => o.DataRoot = _root.Path);
        using var provider = services.BuildServiceProvider();
        Assert.Equal("overlay", provider.GetRequiredService<ILayerStore>().DriverName);
        Assert.Empty(Directory.EnumerateDirectories(_root.Path, "overlay-probe-*"));
    }
}
