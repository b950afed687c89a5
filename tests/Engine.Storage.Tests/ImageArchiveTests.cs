using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Engine.Storage.ImageArchives;
using Engine.Storage.Images;
using Engine.Storage.Interop;
using Engine.Storage.Layers;

namespace Engine.Storage.Tests;

public abstract class ImageArchiveTests : IDisposable
{
    private readonly TempRoot _root;
    private readonly TempRoot _other;

    protected ImageArchiveTests(string driver)
    {
        _root = new TempRoot(driver);
        _other = new TempRoot(driver);
    }

    public void Dispose()
    {
        _root.Dispose();
        _other.Dispose();
    }

    private static (LayerStore Layers, ImageStore Images, ImageArchive Archive) Open(TempRoot root)
    {
        var (layers, images) = root.Open();
        return (layers, images, new ImageArchive(images, layers, root.Path));
    }

    /// <summary>What the fixture README says a correct engine shows once all layers are applied.</summary>
    private static async Task AssertFixtureImage(LayerStore layers, Image image, string container)
    {
        Assert.Contains("fixture/whiteouts:1", image.RepoTags);
        Assert.Contains("FIXTURE=whiteouts", image.Config!.Env!);
        Assert.Equal("whiteouts", image.Labels!["org.example.fixture"]);
        Assert.Equal(["/bin/sh", "-c", "cat /data/keep/a; ls -a /opaque /data"], image.Config.Cmd!);
        Assert.Equal(3, image.DiffIds.Count);
        Assert.Equal("sha256:038c7e01d78b4a1d598f7e1f52a80af017a2d4bbe18ca7592594e1044dd01371", image.DiffIds[2]);

        var rw = await layers.CreateReadWriteLayerAsync(container, image.TopChainId);
        var root = await rw.MountAsync();
        try
        {
            WhiteoutsView.AssertApplied(root);
            Assert.True(File.Exists(root + "/bin/busybox"));
        }
        finally
        {
            await rw.UnmountAsync();
            await layers.RemoveReadWriteLayerAsync(container);
        }
    }

    [FixtureTheory]
    [InlineData("whiteouts-docker-save.tar", "sha256:5414a8172656279c0040cdfc2ee1f6e0abc1a363c43a647dcce02cb86a538df2")]
    [InlineData("whiteouts-oci-gzip.tar", "sha256:c361d8107865931eed47558712c6706211e6a72c46a94dc126a2f03a9e6c5b9f")]
    [InlineData("whiteouts-oci-zstd.tar", "sha256:c361d8107865931eed47558712c6706211e6a72c46a94dc126a2f03a9e6c5b9f")]
    [InlineData("whiteouts-legacy-v1.tar", null)]
    public async Task LoadsTheFixtureAndSavesItBack(string file, string? expectedId)
    {
        var path = Fixtures.Image(file);
        var (layers, images, archive) = Open(_root);
        IReadOnlyList<LoadedImage> loaded;
        await using (var fs = File.OpenRead(path))
        {
            loaded = await archive.LoadAsync(fs);
        }
        var image = images.Get("fixture/whiteouts:1");
        Assert.Contains(loaded, l => l.Id == image.Id && l.RepoTags.Contains("fixture/whiteouts:1"));
        if (expectedId is not null)
        {
            Assert.Equal(expectedId, image.Id);
            Assert.Single(images.List());
        }
        else
        {
            // Docker 1.7: one image per layer, chained by parent.
            Assert.Equal(3, images.History(image.Id).Count);
            Assert.Equal(3, images.List().Count);
        }
        await AssertFixtureImage(layers, image, "c-" + file.GetHashCode().ToString("x"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root.Path, "image", layers.DriverName, "tmp")));

        // Loading it again changes nothing.
        await using (var fs = File.OpenRead(path))
        {
            await archive.LoadAsync(fs);
        }
        Assert.Equal(expectedId is null ? 3 : 1, images.List().Count);
        Assert.Equal(3, layers.Layers().Count);

        // Save: every layer.tar hashes to its diffID, so current Docker accepts it; and it loads here again.
        var saved = new MemoryStream();
        await archive.SaveAsync(["fixture/whiteouts:1"], saved);
        saved.Position = 0;
        AssertSavedArchiveIsConsistent(saved, image);
        saved.Position = 0;
        var (layers2, images2, archive2) = Open(_other);
        var reloaded = await archive2.LoadAsync(saved);
        Assert.Equal(image.Id, Assert.Single(reloaded).Id);
        await AssertFixtureImage(layers2, images2.Get("fixture/whiteouts:1"), "c2");
    }

    private static void AssertSavedArchiveIsConsistent(Stream tar, Image image)
    {
        var files = new Dictionary<string, byte[]>();
        using (var reader = new TarReader(tar, leaveOpen: true))
        {
            while (reader.GetNextEntry() is { } e)
            {
                if (e.DataStream is { } data)
                {
                    var ms = new MemoryStream();
                    data.CopyTo(ms);
                    files[e.Name] = ms.ToArray();
                }
            }
        }
        var manifest = JsonNode.Parse(files["manifest.json"])!.AsArray();
        var entry = Assert.Single(manifest)!;
        Assert.Equal(image.Id, Digests.Sha256(files[entry["Config"]!.GetValue<string>()]));
        Assert.Equal(["fixture/whiteouts:1"], entry["RepoTags"]!.AsArray().Select(t => t!.GetValue<string>()));
        var layerNames = entry["Layers"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        Assert.Equal(image.DiffIds, layerNames.Select(n => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(files[n]))));
        var repos = JsonNode.Parse(files["repositories"])!;
        var top = repos["fixture/whiteouts"]!["1"]!.GetValue<string>();
        Assert.Equal(top + "/layer.tar", layerNames[^1]);
        foreach (var name in layerNames)
        {
            var dir = name[..name.IndexOf('/')];
            Assert.Equal("1.0", System.Text.Encoding.ASCII.GetString(files[dir + "/VERSION"]));
            var json = JsonNode.Parse(files[dir + "/json"])!;
            Assert.Equal(dir, json["id"]!.GetValue<string>());
        }
        var topJson = JsonNode.Parse(files[top + "/json"])!;
        Assert.Contains("FIXTURE=whiteouts", topJson["config"]!["Env"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(layerNames[^2][..64], topJson["parent"]!.GetValue<string>());
    }

    [Fact]
    public async Task SaveByIdHasNoNamesAndSavedLegacyFormLoadsAsDocker17Would()
    {
        var (layers, images, archive) = Open(_root);
        var image = await images.ImportAsync(new TestKit.TarBuilder().File("a", "1").ToStream(), new ImportOptions { Repository = "x", Tag = "1" });
        var saved = new MemoryStream();
        await archive.SaveAsync([image.Id[7..19]], saved);
        saved.Position = 0;
        var names = new List<string>();
        using (var reader = new TarReader(saved, leaveOpen: true))
        {
            while (reader.GetNextEntry() is { } e)
            {
                names.Add(e.Name);
            }
        }
        Assert.DoesNotContain("repositories", names);

        // Strip manifest.json and the config: the Docker 1.7 form. It must still load, as a v1 image.
        saved.Position = 0;
        var legacy = new MemoryStream();
        using (var reader = new TarReader(saved, leaveOpen: true))
        using (var writer = new TarWriter(legacy, leaveOpen: true))
        {
            while (reader.GetNextEntry(copyData: true) is { } e)
            {
                if (e.Name != "manifest.json" && !e.Name.EndsWith(".json", StringComparison.Ordinal))
                {
                    writer.WriteEntry(e);
                }
            }
        }
        legacy.Position = 0;
        var (_, images2, archive2) = Open(_other);
        var loaded = Assert.Single(await archive2.LoadAsync(legacy));
        var again = images2.Get(loaded.Id);
        Assert.Equal(image.DiffIds, again.DiffIds);
        Assert.Empty(again.RepoTags);
    }

    private static byte[] ConfigOf(params byte[][] layers) => System.Text.Encoding.UTF8.GetBytes(
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
        + string.Join(',', layers.Select(l => $"\"{Digests.Sha256(l)}\"")) + "]}}");

    [Fact]
    public async Task OneLayerFileAtSeveralPositionsAndInSeveralImages()
    {
        // The same layer.tar at positions 0 and 2 (two chains), a second image sharing the first two layers,
        // an unreferenced layer, and the manifest first: every chain gets its own copy, nothing else stays.
        var a = new TestKit.TarBuilder().File("a", "1").ToArray();
        var b = new TestKit.TarBuilder().Whiteout("a").File("b", "2").ToArray();
        var unused = new TestKit.TarBuilder().File("u", "3").ToArray();
        var c1 = ConfigOf(a, b, a);
        var c2 = ConfigOf(a, b);
        var h1 = Convert.ToHexStringLower(SHA256.HashData(c1));
        var h2 = Convert.ToHexStringLower(SHA256.HashData(c2));
        var manifest = $"[{{\"Config\":\"{h1}.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"a/layer.tar\",\"b/layer.tar\",\"a/layer.tar\"]}},"
            + $"{{\"Config\":\"{h2}.json\",\"RepoTags\":[\"x:2\"],\"Layers\":[\"link/layer.tar\",\"b/layer.tar\"]}}]";
        var archiveTar = new TestKit.TarBuilder()
            .File("manifest.json", manifest)
            .File("a/layer.tar", a).File("b/layer.tar", b).File("u/layer.tar", unused)
            .Symlink("link", "a")
            .File(h1 + ".json", c1).File(h2 + ".json", c2);
        var (layers, images, archive) = Open(_root);
        var loaded = await archive.LoadAsync(archiveTar.ToStream());
        Assert.Equal(2, loaded.Count);
        Assert.Equal(3, layers.Layers().Count);
        Assert.Equal(3, layers.Driver.List().Count);
        var image = images.Get("x:1");
        var rw = await layers.CreateReadWriteLayerAsync("c-shared", image.TopChainId);
        var root = await rw.MountAsync();
        try
        {
            Assert.Equal("1", File.ReadAllText(root + "/a"));
            Assert.Equal("2", File.ReadAllText(root + "/b"));
            Assert.False(File.Exists(root + "/u"));
        }
        finally
        {
            await rw.UnmountAsync();
            await layers.RemoveReadWriteLayerAsync("c-shared");
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root.Path, "image", layers.DriverName, "tmp")));

        // Saved back byte for byte (the copy of the shared layer replays to the same diffID).
        var saved = new MemoryStream();
        await archive.SaveAsync(["x:1"], saved);
        saved.Position = 0;
        var (_, images2, archive2) = Open(_other);
        Assert.Equal(image.Id, Assert.Single(await archive2.LoadAsync(saved)).Id);
        Assert.Equal(3, images2.Get(image.Id).DiffIds.Count);
    }

    [Fact]
    public async Task UnknownNameIsNotFoundBeforeAnyOutput()
    {
        var (_, _, archive) = Open(_root);
        var output = new MemoryStream();
        var e = await Assert.ThrowsAsync<Errors.EngineException>(() => archive.SaveAsync(["nope:1"], output));
        Assert.Equal(Errors.ErrorKind.NotFound, e.Kind);
        Assert.Equal(0, output.Length);
    }
}

public sealed class VfsImageArchiveTests() : ImageArchiveTests("vfs");

[Trait("Category", "Root")]
public sealed class OverlayImageArchiveTests() : ImageArchiveTests("overlay");
