using System.Text;
using Engine.Storage.Errors;
using Engine.Storage.ImageArchives;
using Engine.Storage.Layers;
using Engine.TestKit;

namespace Engine.Storage.Tests;

/// <summary>
/// Hostile image archives fed to load: each must fail with a clear InvalidParameter error, write nothing
/// outside the data root (a sentinel directory beside it stays empty), and leave no layer, image or temp dir.
/// </summary>
public abstract class HostileArchiveTests : IDisposable
{
    private readonly TempRoot _root;
    private readonly string _sentinel = TestPaths.NewTempDir("engine-sentinel");
    private readonly LayerStore _layers;
    private readonly Images.ImageStore _images;
    private readonly ImageArchive _archive;

    protected HostileArchiveTests(string driver)
    {
        _root = new TempRoot(driver);
        (_layers, _images) = _root.Open();
        _archive = new ImageArchive(_images, _layers, _root.Path);
    }

    public void Dispose()
    {
        _root.Dispose();
        Directory.Delete(_sentinel, recursive: true);
    }

    private static readonly byte[] GoodLayer = new TarBuilder().File("f", "x").ToArray();
    private static string GoodDiffId => Digests.Sha256(GoodLayer);

    private static byte[] Config(params string[] diffIds) => Encoding.UTF8.GetBytes(
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + string.Join(',', diffIds.Select(d => $"\"{d}\"")) + "]}}");

    private static string Manifest(string config, params string[] layers) =>
        "[{\"Config\":\"" + config + "\",\"RepoTags\":[\"evil:1\"],\"Layers\":[" + string.Join(',', layers.Select(l => $"\"{l}\"")) + "]}]";

    private async Task AssertRejected(TarBuilder tar, string? messagePart = null)
    {
        var e = await Assert.ThrowsAsync<EngineException>(() => _archive.LoadAsync(tar.ToStream()));
        Assert.Equal(ErrorKind.InvalidParameter, e.Kind);
        if (messagePart is not null)
        {
            Assert.Contains(messagePart, e.Message);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(_sentinel));
        Assert.Empty(_images.List());
        Assert.Empty(_layers.Layers());
        Assert.Empty(_layers.Driver.List());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root.Path, "image", _layers.DriverName, "tmp")));
    }

    [Fact]
    public Task EntryClimbingOut() =>
        AssertRejected(new TarBuilder().RawHeader("../../../" + _sentinel.TrimStart('/') + "/x", '0', content: "x"u8.ToArray()), "outside");

    [Fact]
    public Task SymlinkClimbingOut() =>
        AssertRejected(new TarBuilder().Symlink("l", "../../../../../../../../" + _sentinel.TrimStart('/')).File("l/x", "x"), "outside");

    [Fact]
    public Task AbsoluteSymlinkIsFollowedInsideOnly() =>
        // The planted link points at the sentinel by absolute path: resolved inside the archive, so the write stays inside,
        // and the archive is then refused for what it lacks.
        AssertRejected(new TarBuilder().Symlink("l", _sentinel).File("l/x", "x"), "no manifest.json");

    [Fact]
    public Task ManifestNamingAFileOutside() =>
        AssertRejected(new TarBuilder().File("manifest.json", Manifest("../../../../etc/passwd")), "outside");

    [Fact]
    public Task LayerThatIsASymlinkToTheHost() =>
        AssertRejected(new TarBuilder()
            .File("c.json", Config(GoodDiffId))
            .Symlink("l/layer.tar", "/etc/passwd")
            .File("manifest.json", Manifest("c.json", "l/layer.tar")), "not in the archive");

    [Fact]
    public Task LayerWithEscapingEntry() =>
        AssertRejected(new TarBuilder()
            .File("c.json", Config(GoodDiffId))
            .File("l/layer.tar", new TarBuilder().File("ok", "1").RawHeader("../../escape", '0', content: "x"u8.ToArray()).ToArray())
            .File("manifest.json", Manifest("c.json", "l/layer.tar")), "outside");

    [Fact]
    public Task DiffIdMismatch() =>
        AssertRejected(new TarBuilder()
            .File("c.json", Config("sha256:" + new string('0', 64)))
            .File("l/layer.tar", GoodLayer)
            .File("manifest.json", Manifest("c.json", "l/layer.tar")), "invalid diffID");

    [Fact]
    public Task DiffIdMismatchOnALaterLayer() =>
        // The first layer is made (and staged ones committed) before the second fails: nothing may stay.
        AssertRejected(new TarBuilder()
            .File("a/layer.tar", GoodLayer)
            .File("b/layer.tar", new TarBuilder().File("g", "y").ToArray())
            .File("c.json", Config(GoodDiffId, "sha256:" + new string('0', 64)))
            .File("manifest.json", Manifest("c.json", "a/layer.tar", "b/layer.tar")), "invalid diffID for layer 1");

    [Fact]
    public Task LayerThatIsNotATar() =>
        AssertRejected(new TarBuilder()
            .File("c.json", Config(GoodDiffId))
            .File("l/layer.tar", new byte[3000])
            .File("manifest.json", Manifest("c.json", "l/layer.tar")));

    [Fact]
    public Task LayerCountMismatch() =>
        AssertRejected(new TarBuilder()
            .File("c.json", Config(GoodDiffId, GoodDiffId))
            .File("l/layer.tar", GoodLayer)
            .File("manifest.json", Manifest("c.json", "l/layer.tar")), "mismatch");

    [Fact]
    public Task OciBlobDigestMismatch()
    {
        var config = Config(GoodDiffId);
        var layerDigest = "sha256:" + new string('1', 64);
        var manifest = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"config\":{\"digest\":\"" + Digests.Sha256(config) + "\"},\"layers\":[{\"digest\":\"" + layerDigest + "\"}]}");
        return AssertRejected(new TarBuilder()
            .File("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
            .File("index.json", "{\"manifests\":[{\"digest\":\"" + Digests.Sha256(manifest) + "\"}]}")
            .File("blobs/sha256/" + Digests.Hex(Digests.Sha256(manifest)), manifest)
            .File("blobs/sha256/" + Digests.Hex(Digests.Sha256(config)), config)
            .File("blobs/sha256/" + new string('1', 64), GoodLayer), "digest");
    }

    [Fact]
    public Task OciBlobPathTraversal() =>
        AssertRejected(new TarBuilder()
            .File("oci-layout", "{}")
            .File("index.json", "{\"manifests\":[{\"digest\":\"sha256:../../../../etc/passwd\"}]}"), "unsupported digest");

    [Fact]
    public Task LegacyParentCycle()
    {
        var a = new string('a', 64);
        var b = new string('b', 64);
        return AssertRejected(new TarBuilder()
            .File(a + "/json", $"{{\"id\":\"{a}\",\"parent\":\"{b}\"}}").File(a + "/layer.tar", GoodLayer)
            .File(b + "/json", $"{{\"id\":\"{b}\",\"parent\":\"{a}\"}}").File(b + "/layer.tar", GoodLayer), "ancestor");
    }

    [Fact]
    public Task TruncatedArchive() =>
        AssertRejected(new TarBuilder().File("manifest.json", new string('x', 3000)).Truncate(2000));

    [Fact]
    public Task NotJson() =>
        AssertRejected(new TarBuilder().File("manifest.json", "{not json"), "not valid JSON");
}

public sealed class VfsHostileArchiveTests() : HostileArchiveTests("vfs");

[Trait("Category", "Root")]
public sealed class OverlayHostileArchiveTests() : HostileArchiveTests("overlay");
