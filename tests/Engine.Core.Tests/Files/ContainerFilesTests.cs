using System.Formats.Tar;
using Engine.Core.Containers;
using Engine.Core.Sandbox;
using Engine.Storage.Drivers;
using Engine.Storage.Errors;
using Engine.TestKit;

namespace Engine.Core.Tests.Files;

/// <summary>Changes, export, copy and archive of a container's file system, through the library alone.</summary>
[Trait("Category", "Root")]
public sealed class ContainerFilesTests : IAsyncLifetime
{
    private EngineSandbox _sandbox = null!;

    private IContainerService Containers => _sandbox.Engine.Containers;

    public async Task InitializeAsync()
    {
        _sandbox = await BusyboxSandbox.StartAsync();
    }

    public async Task DisposeAsync() => await _sandbox.DisposeAsync();

    /// <summary>Runs a shell script to its end and returns the (stopped) container, not yet removed.</summary>
    private async Task<SandboxContainer> RunToEndAsync(string script)
    {
        var box = await _sandbox.RunAsync("busybox", ["sh", "-c", script]);
        var result = await box.WaitAsync();
        Assert.True(result.ExitCode == 0, result.Stderr);
        return box;
    }

    private static async Task<Dictionary<string, TarEntry>> ReadAsync(ContainerArchive archive)
    {
        using var buffer = new MemoryStream();
        await archive.WriteToAsync(buffer);
        buffer.Position = 0;
        var entries = new Dictionary<string, TarEntry>(StringComparer.Ordinal);
        using var reader = new TarReader(buffer);
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            entries[entry.Name] = entry;
        }
        return entries;
    }

    private static string Text(TarEntry entry)
    {
        using var reader = new StreamReader(entry.DataStream!);
        return reader.ReadToEnd();
    }

    [Fact]
    public async Task Changes_report_added_modified_and_deleted_paths_without_the_runtimes_mount_points()
    {
        await using var box = await RunToEndAsync("mkdir /new && echo x > /new/file && rm /etc/passwd && echo y > /tmp/t");
        var changes = await Containers.ChangesAsync(box.Id);
        Assert.Contains(new Change("/new", ChangeKind.Add), changes);
        Assert.Contains(new Change("/new/file", ChangeKind.Add), changes);
        Assert.Contains(new Change("/etc", ChangeKind.Modify), changes);
        Assert.Contains(new Change("/etc/passwd", ChangeKind.Delete), changes);
        Assert.Contains(new Change("/tmp/t", ChangeKind.Add), changes);
        Assert.DoesNotContain(changes, c => c.Path is "/proc" or "/sys" or "/dev" or "/etc/hostname" or "/etc/hosts" or "/etc/resolv.conf");
        Assert.Equal(changes.Select(c => c.Path).Order(StringComparer.Ordinal), changes.Select(c => c.Path));
    }

    [Fact]
    public async Task Nothing_changed_means_an_empty_diff()
    {
        await using var box = await RunToEndAsync("true");
        Assert.Empty(await Containers.ChangesAsync(box.Id));
    }

    [Fact]
    public async Task Export_of_a_stopped_container_has_the_whole_file_system_with_hard_links_and_unmounts_after()
    {
        await using var box = await RunToEndAsync("echo data > /tmp/a && ln /tmp/a /tmp/b && chown 12:34 /tmp/a && chmod 4755 /tmp/a");
        Dictionary<string, TarEntry> entries;
        await using (var export = await Containers.ExportAsync(box.Id))
        {
            entries = await ReadAsync(export);
        }
        Assert.Contains("bin/busybox", entries.Keys);
        Assert.Equal("data\n", Text(entries["tmp/a"]));
        Assert.Equal(TarEntryType.HardLink, entries["tmp/b"].EntryType);
        Assert.Equal("tmp/a", entries["tmp/b"].LinkName);
        Assert.Equal((UnixFileMode)0x9ED, entries["tmp/a"].Mode); // 04755
        Assert.Equal((12, 34), (entries["tmp/a"].Uid, entries["tmp/a"].Gid));
        Assert.DoesNotContain(box.Id, File.ReadAllText("/proc/self/mountinfo"));
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains("merged", StringComparison.Ordinal) && l.Contains(DataRoot, StringComparison.Ordinal));
    }

    private string DataRoot => ((Microsoft.Extensions.Options.IOptions<EngineOptions>)_sandbox.Services.GetService(typeof(Microsoft.Extensions.Options.IOptions<EngineOptions>))!).Value.DataRoot;

    [Fact]
    public async Task Archive_of_a_file_and_a_directory_and_the_stat_of_a_symlink()
    {
        await using var box = await RunToEndAsync("mkdir -p /d/sub && echo f > /d/sub/f && ln -s /d/sub /d/link");
        await using (var archive = await Containers.GetArchiveAsync(box.Id, "/d"))
        {
            Assert.Equal("d", archive.Stat!.Name);
            Assert.Equal(0x4000u, archive.Stat.Mode & 0xF000);
            var entries = await ReadAsync(archive);
            Assert.Equal(["d/", "d/link", "d/sub/", "d/sub/f"], entries.Keys.Order(StringComparer.Ordinal));
        }
        var stat = await Containers.StatPathAsync(box.Id, "/d/link");
        Assert.Equal(0xA000u, stat.Mode & 0xF000);
        Assert.Equal("/d/sub", stat.LinkTarget);
        await using (var copy = await Containers.CopyAsync(box.Id, "/d/link/f"))
        {
            Assert.Equal("f\n", Text((await ReadAsync(copy))["f"]));
        }
        var missing = await Assert.ThrowsAsync<EngineException>(() => Containers.CopyAsync(box.Id, "/nope"));
        Assert.Equal(ErrorKind.NotFound, missing.Kind);
        Assert.Equal($"Could not find the file /nope in container {box.Id}", missing.Message);
    }

    [Fact]
    public async Task Extract_into_a_stopped_container_then_run_sees_the_files()
    {
        await using var box = await RunToEndAsync("true");
        var tar = new TarBuilder().Dir("dir").File("dir/hello", "hello\n").ToStream();
        await Containers.ExtractToDirectoryAsync(box.Id, "/tmp", tar);
        await using (var archive = await Containers.GetArchiveAsync(box.Id, "/tmp/dir/hello"))
        {
            Assert.Equal("hello\n", Text((await ReadAsync(archive))["hello"]));
        }
        Assert.Contains(new Change("/tmp/dir/hello", ChangeKind.Add), await Containers.ChangesAsync(box.Id));

        var notDir = await Assert.ThrowsAsync<EngineException>(() => Containers.ExtractToDirectoryAsync(box.Id, "/tmp/dir/hello", new TarBuilder().File("x", "x").ToStream()));
        Assert.Equal(ErrorKind.InvalidParameter, notDir.Kind);
        var missing = await Assert.ThrowsAsync<EngineException>(() => Containers.ExtractToDirectoryAsync(box.Id, "/missing", new TarBuilder().File("x", "x").ToStream()));
        Assert.Equal(ErrorKind.NotFound, missing.Kind);
        var overwrite = await Assert.ThrowsAsync<EngineException>(() => Containers.ExtractToDirectoryAsync(box.Id, "/tmp", new TarBuilder().File("dir", "x").ToStream(), noOverwriteDirNonDir: true));
        Assert.Equal(ErrorKind.InvalidParameter, overwrite.Kind);
    }

    [Fact]
    public async Task Extract_into_a_read_only_root_is_forbidden()
    {
        var box = await _sandbox.RunAsync("busybox", ["true"], (_, h) => h.ReadonlyRootfs = true);
        await using (box)
        {
            await box.WaitAsync();
            var e = await Assert.ThrowsAsync<EngineException>(() => Containers.ExtractToDirectoryAsync(box.Id, "/tmp", new TarBuilder().File("x", "x").ToStream()));
            Assert.Equal(ErrorKind.Forbidden, e.Kind);
        }
    }

    [Fact]
    public async Task Hostile_archives_write_nothing_outside_the_container()
    {
        var sentinelDir = Path.Combine(Path.GetTempPath(), "engine-sentinel-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(sentinelDir);
        try
        {
            await using var box = await RunToEndAsync("true");
            var climbing = new TarBuilder().File("../../../../../../../../" + sentinelDir.TrimStart('/') + "/dotdot", "x").ToStream();
            await Assert.ThrowsAsync<EngineException>(() => Containers.ExtractToDirectoryAsync(box.Id, "/tmp", climbing));
            var viaSymlink = new TarBuilder().Symlink("out", "../../../../../../../.." + sentinelDir).File("out/via-link", "x").ToStream();
            await Assert.ThrowsAsync<EngineException>(() => Containers.ExtractToDirectoryAsync(box.Id, "/tmp", viaSymlink));
            var absolute = new TarBuilder().Symlink("abs", sentinelDir).File("abs/via-abs", "x").ToStream();
            try
            {
                await Containers.ExtractToDirectoryAsync(box.Id, "/tmp", absolute);
            }
            catch (EngineException)
            {
                // Refusing is fine too; writing outside is not.
            }
            var hardlink = new TarBuilder().Hardlink("hl", "../../../../../../etc/passwd").ToStream();
            await Assert.ThrowsAsync<EngineException>(() => Containers.ExtractToDirectoryAsync(box.Id, "/tmp", hardlink));
            Assert.Empty(Directory.EnumerateFileSystemEntries(sentinelDir));
        }
        finally
        {
            Directory.Delete(sentinelDir, recursive: true);
        }
    }

    [Fact]
    public async Task Symlinks_that_climb_out_resolve_inside_the_container()
    {
        await using var box = await RunToEndAsync("ln -s /etc/.. /tmp/up && ln -s ../../../../../../.. /tmp/deep");
        await Containers.ExtractToDirectoryAsync(box.Id, "/tmp/deep", new TarBuilder().File("engine-escape-check", "x").ToStream());
        Assert.False(File.Exists("/engine-escape-check"));
        await using (var archive = await Containers.GetArchiveAsync(box.Id, "/tmp/up/engine-escape-check"))
        {
            Assert.Equal("x", Text((await ReadAsync(archive))["engine-escape-check"]));
        }
        await using (var copy = await Containers.CopyAsync(box.Id, "/tmp/up/bin/busybox"))
        {
            Assert.Contains("busybox", (await ReadAsync(copy)).Keys);
        }
        var stat = await Containers.StatPathAsync(box.Id, "/tmp/deep");
        Assert.Equal("/", stat.LinkTarget);
    }
}
