using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Engine.Http.Tests.Images;
using Engine.TestKit;

namespace Engine.Http.Tests.Build;

/// <summary>docker build with the real CLI (it falls back to the classic builder against API 1.19), and POST /build with raw tars.</summary>
[Trait("Category", "Root")]
public sealed class BuildCliTests(ImageEngineFixture fixture) : IClassFixture<ImageEngineFixture>
{
    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private static string Context(params (string Path, string Content)[] files)
    {
        var dir = TestPaths.NewTempDir("build-ctx");
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(dir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        return dir;
    }

    private static void WriteTarGz(string path, string entryName, string content)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var writer = new TarWriter(gzip, TarEntryFormat.Pax);
        writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, Path.GetDirectoryName(entryName) + "/") { Mode = (UnixFileMode)0x1ED });
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entryName) { Mode = (UnixFileMode)0x1A4, DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)) });
    }

    private const string FullDockerfile = """
        FROM busybox
        MAINTAINER builder-test
        ENV GREETING=hi NAME="big world"
        RUN echo "building $GREETING" && mkdir -p /app && echo made > /app/made
        COPY a.txt /app/
        COPY dir /app/dir
        COPY *.txt /app/wild/
        ADD archive.tar.gz /app/x/
        WORKDIR /app
        USER app
        LABEL version=1.0 "desc"="a b"
        EXPOSE 80 53/udp
        VOLUME /data
        ENTRYPOINT ["/bin/sh", "-c"]
        CMD ["echo $GREETING $NAME; cat /app/made /app/a.txt /app/dir/sub/x /app/x/t/in.txt; ls /app/wild; id -u; pwd"]
        """;

    [Fact]
    public async Task Build_run_history_and_cache()
    {
        var dir = Context(("Dockerfile", FullDockerfile), ("a.txt", "a\n"), ("b.txt", "b\n"), ("dir/sub/x", "x\n"));
        WriteTarGz(Path.Combine(dir, "archive.tar.gz"), "t/in.txt", "from tar\n");
        var image = Unique("built/full:");
        try
        {
            var build = await fixture.OkAsync("build", "-t", image, dir);
            Assert.Contains("Step 1 : FROM busybox\n", build.StandardOutput);
            Assert.Contains("building hi\n", build.StandardOutput);
            Assert.Contains(" ---> Running in ", build.StandardOutput);
            Assert.Contains("Removing intermediate container ", build.StandardOutput);
            Assert.Matches("Successfully built [0-9a-f]{12}\n", build.StandardOutput);

            var run = await fixture.OkAsync("run", "--rm", image);
            Assert.Equal("hi big world\nmade\na\nx\nfrom tar\na.txt\nb.txt\n1000\n/app\n", run.StandardOutput);

            var inspect = await fixture.OkAsync("inspect", "-f", "{{.Author}}|{{.Config.User}}|{{.Config.WorkingDir}}|{{index .Config.Labels \"desc\"}}|{{len .Config.ExposedPorts}}|{{len .Config.Volumes}}", image);
            Assert.Equal("builder-test|app|/app|a b|2|1\n", inspect.StandardOutput);

            var history = await fixture.OkAsync("history", "--no-trunc", "--format", "{{.CreatedBy}}", image);
            var steps = history.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains("/bin/sh -c #(nop) WORKDIR /app", steps);
            Assert.Contains("/bin/sh -c #(nop) ENV GREETING=hi NAME=big world", steps);
            Assert.Contains("/bin/sh -c echo \"building $GREETING\" && mkdir -p /app && echo made > /app/made", steps);
            Assert.Contains(steps, s => s.StartsWith("/bin/sh -c #(nop) ADD file:", StringComparison.Ordinal) && s.EndsWith(" in /app/x/", StringComparison.Ordinal));

            var again = await fixture.OkAsync("build", "-t", image, dir);
            Assert.Equal(14, again.StandardOutput.Split(" ---> Using cache\n").Length - 1);
            Assert.DoesNotContain("Running in", again.StandardOutput);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_failing_run_fails_the_build_with_its_exit_code()
    {
        var dir = Context(("Dockerfile", "FROM busybox\nRUN echo before\nRUN exit 3\n"));
        try
        {
            var build = await fixture.Engine.DockerAsync("build", "--force-rm", dir);
            Assert.Equal(3, build.ExitCode);
            Assert.Contains("The command '/bin/sh -c exit 3' returned a non-zero code: 3", build.StandardError);
            Assert.Contains("before\n", build.StandardOutput);

            var plain = await fixture.Engine.DockerAsync("build", Context(("Dockerfile", "FROM busybox\nRUN false\n")));
            Assert.Equal(1, plain.ExitCode);
            Assert.Contains("The command '/bin/sh -c false' returned a non-zero code: 1", plain.StandardError);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Dockerignore_and_a_named_dockerfile()
    {
        var dir = Context(("build/Custom", "FROM busybox\nCOPY . /ctx/\nCMD [\"sh\", \"-c\", \"cd /ctx && find . -type f | sort\"]\n"),
            (".dockerignore", "*.secret\nlogs\n!logs/keep.log\n"), ("a.secret", "no"), ("kept", "yes"), ("logs/x.log", "no"), ("logs/keep.log", "yes"));
        var image = Unique("built/ignore:");
        try
        {
            await fixture.OkAsync("build", "-f", Path.Combine(dir, "build/Custom"), "-t", image, dir);
            var run = await fixture.OkAsync("run", "--rm", image);
            Assert.Equal("./.dockerignore\n./build/Custom\n./kept\n./logs/keep.log\n", run.StandardOutput);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_dockerfile_on_stdin_builds_without_context()
    {
        var image = Unique("built/stdin:");
        var build = fixture.Check(await fixture.Engine.DockerWithInputAsync("FROM busybox\nLABEL from=stdin\nCMD [\"echo\", \"stdin build\"]\n", "build", "-t", image, "-"));
        Assert.Contains("Successfully built", build.StandardOutput);
        var run = await fixture.OkAsync("run", "--rm", image);
        Assert.Equal("stdin build\n", run.StandardOutput);
    }

    [Fact]
    public async Task A_hostile_context_writes_nothing_outside()
    {
        var outside = TestPaths.NewTempDir("build-outside");
        try
        {
            using var client = fixture.Engine.CreateHttpClient();

            // An entry that climbs out: refused before any output, 4xx/5xx with the reason.
            var climbing = new TarBuilder().File("Dockerfile", "FROM busybox\n").File($"../../../../../../..{outside}/climbed", "x");
            using var refused = await PostBuildAsync(client, climbing.ToArray());
            Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("outside", await refused.Content.ReadAsStringAsync());
            Assert.False(File.Exists(Path.Combine(outside, "climbed")));

            // A link out of the context: what is written through it stays inside; a copy from a link to the host's
            // /etc/passwd finds nothing, and the build fails with Docker's message as the stream's last line.
            var linked = new TarBuilder()
                .File("Dockerfile", "FROM busybox\nCOPY out/ /copied/\nCOPY passwd /passwd-copy\n")
                .Symlink("out", outside)
                .File("out/through-link", "inside")
                .Symlink("passwd", "/etc/passwd");
            using var failed = await PostBuildAsync(client, linked.ToArray());
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
            var body = await failed.Content.ReadAsStringAsync();
            Assert.Contains("{\"errorDetail\":{\"message\":\"passwd: no such file or directory\"},\"error\":\"passwd: no such file or directory\"}", body);
            Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task Post_build_streams_json_lines_and_tags()
    {
        using var client = fixture.Engine.CreateHttpClient();
        var context = new TarBuilder().File("Dockerfile", "FROM busybox\nRUN echo streamed\n");
        var tag = Unique("built/raw");
        using var response = await PostBuildAsync(client, context.ToArray(), $"t={tag}:v1&q=0&rm=1&memory=0&cpushares=0");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("{\"stream\":\"Step 1 : FROM busybox\\n\"}", lines[0]);
        Assert.Contains("{\"stream\":\"streamed\\n\"}", lines);
        Assert.StartsWith("{\"stream\":\"Successfully built ", lines[^1]);
        var inspect = await fixture.OkAsync("inspect", "-f", "{{.Id}}", $"{tag}:v1");
        var shortId = System.Text.RegularExpressions.Regex.Match(lines[^1], "Successfully built ([0-9a-f]{12})").Groups[1].Value;
        Assert.Contains(shortId, inspect.StandardOutput);
    }

    private static Task<HttpResponseMessage> PostBuildAsync(HttpClient client, byte[] tar, string query = "")
    {
        var content = new ByteArrayContent(tar);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/tar");
        return client.PostAsync($"/v1.19/build?{query}", content);
    }
}
