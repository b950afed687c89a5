using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Engine.Core.Build;
using Engine.Core.Containers;
using Engine.Core.Sandbox;
using Engine.Storage.Errors;
using Engine.TestKit;

namespace Engine.Core.Tests.Build;

/// <summary>The builder through the library alone: a sandbox engine with busybox, contexts made as tars in memory.</summary>
[Trait("Category", "Root")]
public sealed class BuildServiceTests
{
    private static async Task<EngineSandbox> StartWithBusyboxAsync()
    {
        var sandbox = await EngineSandbox.StartAsync();
        try
        {
            using var tar = new MemoryStream();
            Busybox.WriteRootFsTar(tar);
            tar.Position = 0;
            await sandbox.ImportAsync(tar, "busybox:latest");
            return sandbox;
        }
        catch
        {
            await sandbox.DisposeAsync();
            throw;
        }
    }

    private sealed record Built(string ImageId, string Output);

    private static async Task<Built> BuildAsync(EngineSandbox sandbox, TarBuilder context, BuildOptions? options = null)
    {
        var output = new StringBuilder();
        string? id = null;
        using var stream = context.ToStream();
        try
        {
            await foreach (var message in sandbox.Engine.Build.BuildAsync(stream, options ?? new BuildOptions()))
            {
                output.Append(message.Stream);
                id ??= message.ImageId;
            }
        }
        catch (EngineException e)
        {
            throw new BuildFailed(output.ToString(), e);
        }
        Assert.NotNull(id);
        return new Built(id, output.ToString());
    }

    private sealed class BuildFailed(string output, EngineException inner) : Exception(inner.Message, inner)
    {
        public string Output { get; } = output;
    }

    private static async Task<string> RunAsync(EngineSandbox sandbox, string image, params string[] command)
    {
        await using var box = await sandbox.RunAsync(image, command);
        var result = await box.WaitAsync();
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    [Fact]
    public async Task Builds_every_instruction_and_the_image_runs_as_written()
    {
        await using var sandbox = await StartWithBusyboxAsync();
        var archive = Gzip(new TarBuilder().Dir("t").File("t/in.txt", "from tar\n").ToArray());
        var context = new TarBuilder()
            .File("Dockerfile", """
                FROM busybox
                MAINTAINER someone
                ENV GREETING=hi NAME="big world"
                RUN echo "building $GREETING" && mkdir -p /app && echo made > /app/made
                COPY a.txt /app/
                COPY dir /app/dir
                COPY *.txt /app/wild/
                ADD archive.tgz /app/x/
                COPY archive.tgz /app/raw/
                WORKDIR /app
                WORKDIR sub
                USER app
                LABEL version=1.0 "desc"="a b"
                EXPOSE 80 53/udp
                VOLUME /data
                CMD ["sh", "-c", "echo $GREETING $NAME; cat /app/made /app/a.txt /app/dir/sub/x /app/x/t/in.txt; ls /app/wild; ls /app/raw; id -u; pwd; stat -c %u:%g /app/a.txt"]
                """)
            .File("a.txt", "a\n", (UnixFileMode)0x1ED, uid: 1234, gid: 1234)
            .File("b.txt", "b\n")
            .Dir("dir").Dir("dir/sub").File("dir/sub/x", "x\n")
            .File("archive.tgz", archive);
        var built = await BuildAsync(sandbox, context, new BuildOptions { Tags = ["built:1"] });

        Assert.Contains("Step 1 : FROM busybox\n", built.Output);
        Assert.Contains("Step 4 : RUN echo \"building $GREETING\" && mkdir -p /app && echo made > /app/made\n", built.Output);
        Assert.Contains("building hi\n", built.Output);
        Assert.Contains(" ---> Running in ", built.Output);
        Assert.Contains("Removing intermediate container ", built.Output);
        Assert.EndsWith($"Successfully built {built.ImageId[7..19]}\n", built.Output);

        var image = sandbox.Engine.Images.Get("built:1");
        Assert.Equal(built.ImageId, image.Id);
        Assert.Equal("app", image.Config!.User);
        Assert.Equal("/app/sub", image.Config.WorkingDir);
        Assert.Equal("1.0", image.Config.Labels!["version"]);
        Assert.Equal("a b", image.Config.Labels["desc"]);
        Assert.Equal(["53/udp", "80/tcp"], image.Config.ExposedPorts!.Keys.Order());
        Assert.Contains("/data", image.Config.Volumes!.Keys);
        Assert.Equal("someone", image.Author);

        var output = await RunAsync(sandbox, "built:1");
        Assert.Equal("hi big world\nmade\na\nx\nfrom tar\na.txt\nb.txt\narchive.tgz\n1000\n/app/sub\n0:0\n", output);

        var history = sandbox.Engine.Images.GetHistory("built:1");
        var createdBy = history.Select(h => h.CreatedBy).ToList();
        Assert.Contains("/bin/sh -c #(nop) ENV GREETING=hi NAME=big world", createdBy);
        Assert.Contains("/bin/sh -c #(nop) USER [app]", createdBy);
        Assert.Contains("/bin/sh -c #(nop) EXPOSE 53/udp 80/tcp", createdBy);
        Assert.Contains("/bin/sh -c #(nop) CMD [\"sh\" \"-c\" \"echo $GREETING $NAME; cat /app/made /app/a.txt /app/dir/sub/x /app/x/t/in.txt; ls /app/wild; ls /app/raw; id -u; pwd; stat -c %u:%g /app/a.txt\"]", createdBy);
        Assert.Contains(createdBy, c => c is not null && c.StartsWith("/bin/sh -c #(nop) COPY file:", StringComparison.Ordinal) && c.EndsWith(" in /app/", StringComparison.Ordinal));
        Assert.Contains(createdBy, c => c is not null && c.StartsWith("/bin/sh -c #(nop) COPY dir:", StringComparison.Ordinal));
        Assert.Contains(createdBy, c => c is not null && c.StartsWith("/bin/sh -c #(nop) COPY multi:", StringComparison.Ordinal));
        Assert.Contains("/bin/sh -c echo \"building $GREETING\" && mkdir -p /app && echo made > /app/made", createdBy);

        // Intermediate containers are gone.
        Assert.Empty(await sandbox.Engine.Containers.ListAsync(new ListContainersOptions { All = true }));
    }

    [Fact]
    public async Task A_second_build_uses_the_cache_until_a_source_changes()
    {
        await using var sandbox = await StartWithBusyboxAsync();
        TarBuilder Context(string content) => new TarBuilder()
            .File("Dockerfile", "FROM busybox\nENV A=1\nRUN echo ran\nCOPY f /f\nRUN cat /f\n")
            .File("f", content);
        var first = await BuildAsync(sandbox, Context("one\n"));
        Assert.DoesNotContain("Using cache", first.Output);

        var second = await BuildAsync(sandbox, Context("one\n"));
        Assert.Equal(4, CountOf(second.Output, " ---> Using cache\n"));
        Assert.DoesNotContain("ran\n", second.Output.Replace("RUN echo ran", "", StringComparison.Ordinal));
        Assert.Equal(first.ImageId, second.ImageId);

        var changed = await BuildAsync(sandbox, Context("two\n"));
        Assert.Equal(2, CountOf(changed.Output, " ---> Using cache\n"));
        Assert.Contains("two\n", changed.Output);
        Assert.NotEqual(first.ImageId, changed.ImageId);

        var noCache = await BuildAsync(sandbox, Context("one\n"), new BuildOptions { NoCache = true });
        Assert.DoesNotContain("Using cache", noCache.Output);
        Assert.NotEqual(first.ImageId, noCache.ImageId);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    [Fact]
    public async Task A_failing_run_stops_the_build_and_forcerm_removes_its_container()
    {
        await using var sandbox = await StartWithBusyboxAsync();
        var context = new TarBuilder().File("Dockerfile", "FROM busybox\nRUN echo before; false\nRUN echo never\n");
        var failed = await Assert.ThrowsAsync<BuildFailed>(() => BuildAsync(sandbox, context));
        Assert.Equal("The command '/bin/sh -c echo before; false' returned a non-zero code: 1", failed.Message);
        Assert.Contains("before\n", failed.Output);
        Assert.DoesNotContain("never\n", failed.Output.Replace("RUN echo never", "", StringComparison.Ordinal));
        // rm (the default) keeps the failed step's container, as Docker does.
        Assert.Single(await sandbox.Engine.Containers.ListAsync(new ListContainersOptions { All = true }));

        foreach (var c in await sandbox.Engine.Containers.ListAsync(new ListContainersOptions { All = true }))
        {
            await sandbox.Engine.Containers.RemoveAsync(c.Id);
        }
        await Assert.ThrowsAsync<BuildFailed>(() => BuildAsync(sandbox, context, new BuildOptions { ForceRemove = true }));
        Assert.Empty(await sandbox.Engine.Containers.ListAsync(new ListContainersOptions { All = true }));
    }

    [Fact]
    public async Task Quiet_leaves_out_run_output()
    {
        await using var sandbox = await StartWithBusyboxAsync();
        var built = await BuildAsync(sandbox, new TarBuilder().File("Dockerfile", "FROM busybox\nRUN echo loud-output\n"), new BuildOptions { Quiet = true });
        Assert.DoesNotContain("\nloud-output\n", built.Output);
        Assert.Contains("Successfully built", built.Output);
    }

    [Fact]
    public async Task Errors_of_the_dockerfile_are_Dockers()
    {
        await using var sandbox = await StartWithBusyboxAsync();
        var unknown = await Assert.ThrowsAsync<BuildFailed>(() => BuildAsync(sandbox, new TarBuilder().File("Dockerfile", "FROM busybox\nSTOPSIGNAL 9\n")));
        Assert.Equal("Unknown instruction: STOPSIGNAL", unknown.Message);
        var missing = await Assert.ThrowsAsync<BuildFailed>(() => BuildAsync(sandbox, new TarBuilder().File("other", "x")));
        Assert.Equal("Cannot locate specified Dockerfile: Dockerfile", missing.Message);
        var noSource = await Assert.ThrowsAsync<BuildFailed>(() => BuildAsync(sandbox, new TarBuilder().File("Dockerfile", "FROM busybox\nCOPY nothing /x\n")));
        Assert.Equal("nothing: no such file or directory", noSource.Message);
        var multi = await Assert.ThrowsAsync<BuildFailed>(() => BuildAsync(sandbox, new TarBuilder().File("Dockerfile", "FROM busybox\nCOPY a b /x\n").File("a", "").File("b", "")));
        Assert.Equal("When using COPY with more than one source file, the destination must be a directory and end with a /", multi.Message);
        var noFrom = await Assert.ThrowsAsync<BuildFailed>(() => BuildAsync(sandbox, new TarBuilder().File("Dockerfile", "ENV A=1\n")));
        Assert.Equal("Please provide a source image with `from` prior to commit", noFrom.Message);
        var named = await BuildAsync(sandbox, new TarBuilder().File("sub/My.Dockerfile", "FROM busybox\nLABEL named=yes\n"), new BuildOptions { Dockerfile = "sub/My.Dockerfile" });
        Assert.Equal("yes", sandbox.Engine.Images.Get(named.ImageId).Config!.Labels!["named"]);
    }

    [Fact]
    public async Task From_scratch_and_onbuild_triggers()
    {
        await using var sandbox = await StartWithBusyboxAsync();
        var scratch = await BuildAsync(sandbox, new TarBuilder().File("Dockerfile", "FROM scratch\nCOPY hello /hello\n").File("hello", "hi\n"));
        var image = sandbox.Engine.Images.Get(scratch.ImageId);
        Assert.Null(image.Parent);
        Assert.Single(image.DiffIds);

        var parent = await BuildAsync(sandbox, new TarBuilder().File("Dockerfile", "FROM busybox\nONBUILD COPY f /from-trigger\nONBUILD RUN echo triggered\n"),
            new BuildOptions { Tags = ["with-triggers"] });
        Assert.Equal(["COPY f /from-trigger", "RUN echo triggered"], sandbox.Engine.Images.Get(parent.ImageId).Config!.OnBuild!);
        var child = await BuildAsync(sandbox, new TarBuilder().File("Dockerfile", "FROM with-triggers\nRUN cat /from-trigger\n").File("f", "file for the trigger\n"));
        Assert.Contains("# Executing 2 build triggers\n", child.Output);
        Assert.Contains("Trigger 0, COPY f /from-trigger\n", child.Output);
        Assert.Contains("triggered\n", child.Output);
        Assert.Contains("file for the trigger\n", child.Output);
        Assert.Empty(sandbox.Engine.Images.Get(child.ImageId).Config!.OnBuild ?? []);
    }

    [Fact]
    public async Task Dockerignore_in_the_context_is_honoured()
    {
        await using var sandbox = await StartWithBusyboxAsync();
        var context = new TarBuilder()
            .File("Dockerfile", "FROM busybox\nCOPY . /ctx/\n")
            .File(".dockerignore", "*.secret\nlogs\n!logs/keep.log\nDockerfile\n")
            .File("a.secret", "no").File("kept", "yes")
            .Dir("logs").File("logs/x.log", "no").File("logs/keep.log", "yes");
        var built = await BuildAsync(sandbox, context);
        var output = await RunAsync(sandbox, built.ImageId, "sh", "-c", "cd /ctx && find . -type f | sort");
        Assert.Equal("./.dockerignore\n./kept\n./logs/keep.log\n", output);
    }

    [Fact]
    public async Task A_hostile_context_writes_nothing_outside()
    {
        await using var sandbox = await StartWithBusyboxAsync();
        var outside = TestPaths.NewTempDir("build-outside");
        try
        {
            // Names that climb out are refused before anything runs.
            var climbing = new TarBuilder().File("Dockerfile", "FROM busybox\n").File($"../../../../../../..{outside}/climbed", "x");
            await Assert.ThrowsAsync<BuildFailed>(() => BuildAsync(sandbox, climbing));
            Assert.False(File.Exists(Path.Combine(outside, "climbed")));

            // Links that point out stay inside the context: writing through them and copying from them never reach the host.
            var linked = new TarBuilder()
                .File("Dockerfile", "FROM busybox\nCOPY out/ /copied/\nCOPY passwd /passwd-copy\n")
                .Symlink("out", outside)
                .File("out/through-link", "inside")
                .Symlink("passwd", "/etc/passwd")
                .Hardlink("hard", "/etc/passwd");
            var failed = await Assert.ThrowsAsync<BuildFailed>(() => BuildAsync(sandbox, linked));
            Assert.False(File.Exists(Path.Combine(outside, "through-link")));
            Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
            Assert.DoesNotContain("root:x:0:0", failed.Output);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task Add_downloads_from_a_url_and_copy_refuses_urls()
    {
        await using var sandbox = await StartWithBusyboxAsync();
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var port = ((IPEndPoint)server.LocalEndpoint).Port;
        var serving = ServeOnceAsync(server, "downloaded\n"u8.ToArray());
        var built = await BuildAsync(sandbox, new TarBuilder().File("Dockerfile", $"FROM busybox\nADD http://127.0.0.1:{port}/files/remote.txt /dl/\n"));
        Assert.Equal("GET /files/remote.txt", await serving);
        Assert.Equal("downloaded\n600\n", await RunAsync(sandbox, built.ImageId, "sh", "-c", "cat /dl/remote.txt; stat -c %a /dl/remote.txt"));

        var copy = await Assert.ThrowsAsync<BuildFailed>(() => BuildAsync(sandbox, new TarBuilder().File("Dockerfile", $"FROM busybox\nCOPY http://127.0.0.1:{port}/x /x\n")));
        Assert.Equal("Source can't be a URL for COPY", copy.Message);
    }

    /// <summary>Answers one HTTP request with the body; returns the request line without the version.</summary>
    private static async Task<string> ServeOnceAsync(TcpListener server, byte[] body)
    {
        using var client = await server.AcceptTcpClientAsync();
        await using var stream = client.GetStream();
        var request = new StringBuilder();
        var buffer = new byte[4096];
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }
            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
        await stream.WriteAsync(body);
        var line = request.ToString().Split("\r\n")[0];
        return line[..line.LastIndexOf(' ')];
    }
}
