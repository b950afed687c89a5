using System.Diagnostics;
using Engine.TestKit;

namespace Engine.Http.Tests.Files;

/// <summary>The engine daemon with a busybox image and a running container "files", for the file-system CLI tests.</summary>
public sealed class FilesFixture : IAsyncLifetime
{
    public EngineProcess Engine { get; } = new();

    /// <summary>A scratch directory on the host for the CLI's side of docker cp.</summary>
    public string Host => Path.Combine(Engine.Root, "host");

    public async Task InitializeAsync()
    {
        await Engine.InitializeAsync();
        Directory.CreateDirectory(Host);
        await Acceptance.AcceptanceEngine.ImportBusyboxAsync(Engine);
        Check(await Engine.DockerAsync("run", "-d", "--name", "files", "busybox", "sleep", "1000"));
    }

    public async Task DisposeAsync()
    {
        await Engine.DockerAsync("rm", "-f", "files");
        await Engine.DisposeAsync();
    }

    public void Check(DockerCliResult result)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{result}\nengine log:\n{Engine.Log}");
        }
    }
}

/// <summary>docker diff, export | import, cp both ways (running and stopped), ps -s, hostile archives.</summary>
[Trait("Category", "Root")]
public sealed class FilesCliTests(FilesFixture fixture) : IClassFixture<FilesFixture>
{
    private Task<DockerCliResult> Docker(params string[] args) => fixture.Engine.DockerAsync(args);

    private async Task<string> OkAsync(params string[] args)
    {
        var result = await Docker(args);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', args)}: {result}\n{fixture.Engine.Log}");
        return result.StandardOutput;
    }

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Diff_prints_added_changed_and_deleted_paths()
    {
        var name = Unique("diff");
        await OkAsync("run", "--name", name, "busybox", "sh", "-c", "mkdir /n && echo x > /n/f && rm /etc/passwd");
        var lines = (await OkAsync("diff", name)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["C /etc", "D /etc/passwd", "A /n", "A /n/f"], lines);
        await OkAsync("rm", name);
    }

    [Fact]
    public async Task Export_then_import_then_run_sees_the_files()
    {
        var name = Unique("exp");
        var image = Unique("exported");
        var file = Path.Combine(fixture.Host, name + ".tar");
        await OkAsync("run", "--name", name, "busybox", "sh", "-c", "echo exported > /tmp/e && ln /tmp/e /tmp/e2");
        await OkAsync("export", "-o", file, name);
        await OkAsync("import", file, image);
        Assert.Equal("exported\nexported\n", await OkAsync("run", "--rm", image, "cat", "/tmp/e", "/tmp/e2"));
        Assert.Equal("2\n", await OkAsync("run", "--rm", image, "stat", "-c", "%h", "/tmp/e"));
        await OkAsync("rm", name);
        await OkAsync("rmi", image);
    }

    [Fact]
    public async Task Cp_out_of_a_running_container_gets_its_hostname_file()
    {
        var id = (await OkAsync("inspect", "-f", "{{.Id}}", "files")).Trim();
        var target = Path.Combine(fixture.Host, Unique("hostname"));
        await OkAsync("cp", "files:/etc/hostname", target);
        Assert.Equal(id[..12] + "\n", File.ReadAllText(target));
    }

    [Fact]
    public async Task Cp_a_file_and_a_directory_into_and_out_of_a_running_container()
    {
        var file = Path.Combine(fixture.Host, Unique("file"));
        File.WriteAllText(file, "file content\n");
        await OkAsync("cp", file, "files:/tmp/");
        Assert.Equal("file content\n", await OkAsync("exec", "files", "cat", "/tmp/" + Path.GetFileName(file)));

        var dir = Path.Combine(fixture.Host, Unique("dir"));
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        File.WriteAllText(Path.Combine(dir, "sub", "inner"), "inner\n");
        await OkAsync("cp", dir, "files:/tmp/");
        var inContainer = "/tmp/" + Path.GetFileName(dir);
        Assert.Equal("inner\n", await OkAsync("exec", "files", "cat", inContainer + "/sub/inner"));

        await OkAsync("exec", "files", "sh", "-c", $"echo made > {inContainer}/sub/made");
        var back = Path.Combine(fixture.Host, Unique("back"));
        await OkAsync("cp", "files:" + inContainer, back);
        Assert.Equal("inner\n", File.ReadAllText(Path.Combine(back, "sub", "inner")));
        Assert.Equal("made\n", File.ReadAllText(Path.Combine(back, "sub", "made")));
    }

    [Fact]
    public async Task Cp_into_a_stopped_container_is_seen_by_its_next_run()
    {
        var name = Unique("stopped");
        await OkAsync("create", "--name", name, "busybox", "cat", "/tmp/in.txt");
        var file = Path.Combine(fixture.Host, "in.txt");
        File.WriteAllText(file, "into a stopped container\n");
        await OkAsync("cp", file, name + ":/tmp/");
        Assert.Equal("into a stopped container\n", await OkAsync("start", "-a", name));
        await OkAsync("rm", name);
    }

    [Fact]
    public async Task Cp_of_a_missing_path_fails()
    {
        var result = await Docker("cp", "files:/does/not/exist", Path.Combine(fixture.Host, "never"));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("/does/not/exist", result.StandardError);
    }

    [Fact]
    public async Task Cp_through_a_symlink_that_climbs_out_stays_inside_the_container()
    {
        var link = Unique("/tmp/up");
        await OkAsync("exec", "files", "ln", "-s", "/etc/..", link);
        var name = Unique("escape-check");
        var file = Path.Combine(fixture.Host, name);
        File.WriteAllText(file, "inside\n");
        await OkAsync("cp", file, "files:" + link + "/");
        Assert.False(File.Exists("/" + name));
        Assert.Equal("inside\n", await OkAsync("exec", "files", "cat", "/" + name));
        await OkAsync("exec", "files", "rm", "/" + name);
    }

    [Fact]
    public async Task Cp_of_a_hostile_tar_writes_nothing_outside_the_container()
    {
        var sentinel = Path.Combine(fixture.Host, Unique("sentinel"));
        Directory.CreateDirectory(sentinel);
        var cases = new Dictionary<string, TarBuilder>
        {
            ["dotdot"] = new TarBuilder().File("../../../../../../../../../.." + sentinel + "/dotdot", "x"),
            ["symlink"] = new TarBuilder().Dir("a").Symlink("a/out", "../../../../../../../../../.." + sentinel).File("a/out/via-link", "x"),
            ["absolute"] = new TarBuilder().Dir("b").Symlink("b/abs", sentinel).File("b/abs/via-abs", "x"),
        };
        foreach (var (label, tar) in cases)
        {
            var path = Path.Combine(fixture.Host, label + ".tar");
            File.WriteAllBytes(path, tar.ToArray());
            await CpFromStdinAsync(path, "files:/tmp");
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(sentinel));
        Assert.Equal(0, (await Docker("exec", "files", "true")).ExitCode);
    }

    /// <summary>docker cp - C:path with the tar on stdin (the CLI streams it as is).</summary>
    private async Task CpFromStdinAsync(string tarPath, string destination)
    {
        var start = new ProcessStartInfo(DockerCli.Path) { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("cp");
        start.ArgumentList.Add("-");
        start.ArgumentList.Add(destination);
        start.Environment["DOCKER_HOST"] = fixture.Engine.DockerHost;
        start.Environment.Remove("DOCKER_API_VERSION");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await using (var input = File.OpenRead(tarPath))
        {
            await input.CopyToAsync(process.StandardInput.BaseStream);
        }
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        await Task.WhenAll(stdout, stderr);
    }

    [Fact]
    public async Task Ps_with_size_prints_the_sizes()
    {
        await OkAsync("exec", "files", "sh", "-c", "head -c 5000 /bin/busybox > /tmp/sized");
        var output = await OkAsync("ps", "-s", "--filter", "name=files", "--format", "{{.Size}}");
        Assert.Matches(@"^\d+(\.\d+)?k?B \(virtual \d+(\.\d+)?MB\)\n$", output);
        Assert.DoesNotMatch(@"^0B", output);
    }
}
