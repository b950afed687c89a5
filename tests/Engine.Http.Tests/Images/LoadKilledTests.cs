using Engine.TestKit;

namespace Engine.Http.Tests.Images;

/// <summary>
/// The engine is killed (SIGKILL) in the middle of `docker load` of a large image: after a restart on the same
/// data root the store opens, the half-loaded image is nowhere, no layer or staging directory is left behind,
/// and the same archive then loads whole.
/// </summary>
[Trait("Category", "Root")]
public sealed class LoadKilledTests : IAsyncLifetime
{
    private const int Files = 24;
    private const int FileSize = 8 * 1024 * 1024;

    private readonly string _work = TestPaths.NewTempDir("loadkill");
    private string SavedTar => Path.Combine(_work, "saved.tar");

    public async Task InitializeAsync()
    {
        // A ~200 MB image made by the engine itself: busybox plus incompressible files, saved in docker save form.
        var rootfs = Path.Combine(_work, "rootfs");
        Busybox.CreateRootFs(rootfs);
        Directory.CreateDirectory(Path.Combine(rootfs, "data"));
        var chunk = new byte[FileSize];
        for (var i = 0; i < Files; i++)
        {
            Random.Shared.NextBytes(chunk);
            await File.WriteAllBytesAsync(Path.Combine(rootfs, "data", $"f{i}"), chunk);
        }
        var rootfsTar = Path.Combine(_work, "rootfs.tar");
        await System.Formats.Tar.TarFile.CreateFromDirectoryAsync(rootfs, rootfsTar, includeBaseDirectory: false);
        Directory.Delete(rootfs, recursive: true);
        await using var maker = new EngineProcess();
        await maker.InitializeAsync();
        Check(await maker.DockerAsync("import", rootfsTar, "big:1"));
        Check(await maker.DockerAsync("save", "-o", SavedTar, "big:1"));
        File.Delete(rootfsTar);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_work, recursive: true);
        return Task.CompletedTask;
    }

    private static DockerCliResult Check(DockerCliResult r)
    {
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.StandardError}");
        return r;
    }

    [Fact]
    public async Task A_load_cut_by_sigkill_leaves_a_consistent_store()
    {
        // Disposed last: it owns the data root the second engine reuses.
        await using var first = new EngineProcess();
        await first.InitializeAsync();
        var halfway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var total = new FileInfo(SavedTar).Length;
        var before = WrittenBytes(first.Pid);
        using (var client = first.CreateHttpClient())
        {
            var content = new StreamContent(new HalfThenHoldStream(File.OpenRead(SavedTar), total / 2, halfway, hold.Task));
            var loading = client.PostAsync("/v1.19/images/load", content);
            await halfway.Task.WaitAsync(TimeSpan.FromMinutes(2));
            // Let the engine write a good part of what was sent to its store: it then waits for more.
            await Acceptance.Poll.UntilAsync(() => WrittenBytes(first.Pid) - before >= total / 3, TimeSpan.FromMinutes(1), $"the engine to write a third of the archive (written {WrittenBytes(first.Pid) - before} of {total}) {first.Log}");
            await first.StopAsync(9);
            hold.TrySetResult();
            await Assert.ThrowsAnyAsync<Exception>(() => loading);
        }

        await using var second = EngineProcess.OnSameRoot(first);
        await second.InitializeAsync();
        var images = Check(await second.DockerAsync("images", "--format", "{{.Repository}}:{{.Tag}}"));
        Assert.DoesNotContain("big:1", images.StandardOutput);

        // Nothing half-written stays: no staging left, and every layer directory of the driver belongs to a layer.
        var image = Path.Combine(second.DataRoot, "image", "overlay");
        var tmp = Path.Combine(image, "layerdb", "tmp");
        Assert.True(!Directory.Exists(tmp) || !Directory.EnumerateFileSystemEntries(tmp).Any(), "layerdb/tmp is not empty");
        var known = Directory.EnumerateDirectories(Path.Combine(image, "layerdb", "sha256"))
            .Select(d => File.ReadAllText(Path.Combine(d, "cache-id")).Trim())
            .ToHashSet();
        var driverDirs = Directory.EnumerateDirectories(Path.Combine(second.DataRoot, "overlay"))
            .Select(d => Path.GetFileName(d))
            .Where(n => n != "l")
            .ToList();
        Assert.All(driverDirs, d => Assert.True(known.Contains(d), $"driver directory {d} belongs to no layer"));

        // The same archive loads whole afterwards.
        Check(await second.DockerAsync("load", "-i", SavedTar));
        var count = Check(await second.DockerAsync("run", "--rm", "--net", "none", "big:1", "sh", "-c", "ls /data | wc -l"));
        Assert.Equal(Files.ToString(), count.StandardOutput.Trim());
    }

    /// <summary>Bytes the process passed to write(2) so far (/proc/PID/io wchar).</summary>
    private static long WrittenBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/io"))
        {
            if (line.StartsWith("wchar:", StringComparison.Ordinal))
            {
                return long.Parse(line["wchar:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    /// <summary>Gives the first <c>limit</c> bytes, then signals and waits (the client stays connected, sending nothing).</summary>
    private sealed class HalfThenHoldStream(Stream inner, long limit, TaskCompletionSource halfway, Task hold) : Stream
    {
        private long _sent;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_sent >= limit)
            {
                halfway.TrySetResult();
                await hold.WaitAsync(cancellationToken);
                throw new IOException("the test stopped sending");
            }
            var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, limit - _sent)], cancellationToken);
            _sent += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _sent; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
