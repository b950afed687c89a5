using Engine.Storage.ImageArchives;
using Engine.Storage.Images;
using Engine.TestKit;

namespace Engine.Storage.Tests;

/// <summary>
/// What a kill -9 can leave, and loads cut off part-way: the store must open consistent. (A test that kills a
/// child process mid-load is not here; these reproduce its leftovers directly.)
/// </summary>
public abstract class CrashSafetyTests(string driver) : IDisposable
{
    private readonly TempRoot _root = new(driver);

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task LeftoversOfACrashAreRemovedAtOpen()
    {
        var (layers, images) = _root.Open();
        var kept = await images.ImportAsync(new TarBuilder().File("a", "1").ToStream(), new ImportOptions { Repository = "kept" });
        // A layer registered by a load that died before its image was written.
        await layers.RegisterAsync(new TarBuilder().File("b", "2").ToStream(), null);
        var imageRoot = Path.Combine(_root.Path, "image", driver);
        Directory.CreateDirectory(Path.Combine(imageRoot, "tmp", "load-1234", "x"));
        File.WriteAllText(Path.Combine(imageRoot, "imagedb", "content", "sha256", ".abc.tmp-1"), "half");
        Directory.CreateDirectory(Path.Combine(imageRoot, "imagedb", "metadata", "sha256", new string('e', 64)));
        Directory.CreateDirectory(Path.Combine(imageRoot, "layerdb", "tmp", "half-layer"));
        layers.Driver.Create("halfmade", null);

        (layers, images) = _root.Open();
        Assert.Equal(kept.Id, Assert.Single(images.List()).Id);
        Assert.Single(layers.Layers());
        Assert.Single(layers.Driver.List());
        Assert.False(Directory.Exists(Path.Combine(imageRoot, "tmp")));
        Assert.False(File.Exists(Path.Combine(imageRoot, "imagedb", "content", "sha256", ".abc.tmp-1")));
        Assert.False(Directory.Exists(Path.Combine(imageRoot, "imagedb", "metadata", "sha256", new string('e', 64))));
        Assert.False(Directory.Exists(Path.Combine(imageRoot, "layerdb", "tmp", "half-layer")));
    }

    [FixtureTheory]
    [InlineData(100)]
    [InlineData(600_000)]
    [InlineData(2_020_000)]
    [InlineData(2_049_000)]
    public async Task LoadCutOffPartWayLeavesAConsistentStore(long cutAt)
    {
        var path = Fixtures.Image("whiteouts-docker-save.tar");
        var (layers, images) = _root.Open();
        var archive = new ImageArchive(images, layers, _root.Path);
        await using (var fs = new FailingStream(File.OpenRead(path), cutAt))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => archive.LoadAsync(fs));
        }
        Assert.Empty(images.List());
        (layers, images) = _root.Open();
        Assert.Empty(images.List());
        Assert.Empty(layers.Layers());
        Assert.Empty(layers.Driver.List());

        // And a full load afterwards works.
        archive = new ImageArchive(images, layers, _root.Path);
        await using (var fs = File.OpenRead(path))
        {
            await archive.LoadAsync(fs);
        }
        Assert.NotNull(images.TryGet("fixture/whiteouts:1"));
    }

    [Fact]
    public async Task StagedLayersOfALoadThatDiedAreRemovedAtOpen()
    {
        var (layers, _) = _root.Open();
        if (!layers.CanStage)
        {
            return;
        }
        await layers.StageAsync(new TarBuilder().File("b", "2").ToStream());
        Assert.Single(layers.Driver.List());
        (layers, _) = _root.Open();
        Assert.Empty(layers.Driver.List());
        Assert.Empty(layers.Layers());
    }

    private sealed class FailingStream(Stream inner, long failAt) : Stream
    {
        private long _read;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_read >= failAt)
            {
                throw new IOException("connection reset (simulated)");
            }
            var n = inner.Read(buffer, offset, (int)Math.Min(count, failAt - _read));
            _read += n;
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            inner.Dispose();
            base.Dispose(disposing);
        }
    }
}

public sealed class VfsCrashSafetyTests() : CrashSafetyTests("vfs");

[Trait("Category", "Root")]
public sealed class OverlayCrashSafetyTests() : CrashSafetyTests("overlay");
