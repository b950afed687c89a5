using System.Net;
using System.Net.Sockets;
using System.Text;
using Engine.TestKit;

namespace Engine.Http.Tests.Images;

/// <summary>docker commit, history, rmi with shared layers, and import from a URL served on loopback, with the real CLI.</summary>
[Trait("Category", "Root")]
public sealed class ImageCommitCliTests(ImageEngineFixture fixture) : IClassFixture<ImageEngineFixture>
{
    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Commit_then_run_sees_the_changes()
    {
        var name = Unique("commit-src-");
        var image = Unique("committed/files:");
        await fixture.OkAsync("run", "--name", name, "busybox", "sh", "-c", "echo hello > /made; mkdir -p /d/e; rm /bin/vi");
        var commit = await fixture.OkAsync("commit", "-m", "the message", "-a", "someone", "-c", "ENV COMMITTED=yes", name, image);
        Assert.Matches("^(sha256:)?[0-9a-f]{64}\n$", commit.StandardOutput);

        var run = await fixture.OkAsync("run", "--rm", image, "sh", "-c", "cat /made; test -d /d/e && echo dir; test -e /bin/vi || echo novi; echo $COMMITTED");
        Assert.Equal("hello\ndir\nnovi\nyes\n", run.StandardOutput);

        var inspect = await fixture.OkAsync("inspect", "-f", "{{.Comment}}|{{.Author}}|{{.Parent}}|{{.Container}}", image);
        var parts = inspect.StandardOutput.Trim().Split('|');
        Assert.Equal("the message", parts[0]);
        Assert.Equal("someone", parts[1]);
        var busyboxId = (await fixture.OkAsync("inspect", "-f", "{{.Id}}", "busybox")).StandardOutput.Trim();
        Assert.Equal(busyboxId, parts[2]);
        Assert.NotEmpty(parts[3]);

        // The container's command becomes the image's default (Docker's merge of the container's config).
        var again = await fixture.OkAsync("run", "--rm", image, "cat", "/made");
        Assert.Equal("hello\n", again.StandardOutput);
        await fixture.OkAsync("rm", name);
    }

    [Fact]
    public async Task Commit_of_a_running_container_pauses_it_and_leaves_it_running()
    {
        var name = Unique("commit-running-");
        var image = Unique("committed/running:");
        await fixture.OkAsync("run", "-d", "--name", name, "busybox", "sleep", "1000");
        await fixture.OkAsync("exec", name, "sh", "-c", "echo live > /live");
        await fixture.OkAsync("commit", name, image);
        var state = await fixture.OkAsync("inspect", "-f", "{{.State.Running}} {{.State.Paused}}", name);
        Assert.Equal("true false\n", state.StandardOutput);
        var run = await fixture.OkAsync("run", "--rm", image, "cat", "/live");
        Assert.Equal("live\n", run.StandardOutput);

        await fixture.OkAsync("rm", "-f", name);

        // A running container's image cannot be removed, even forced (Docker's 409 message).
        var user = Unique("commit-user-");
        await fixture.OkAsync("run", "-d", "--name", user, image, "sleep", "1000");
        var rmi = await fixture.Engine.DockerAsync("rmi", "-f", image);
        Assert.NotEqual(0, rmi.ExitCode);
        Assert.Contains("(cannot be forced) - image is being used by running container", rmi.StandardError);
        await fixture.OkAsync("rm", "-f", user);
        await fixture.OkAsync("rmi", image);
    }

    [Fact]
    public async Task History_lists_the_commit_over_its_parent()
    {
        var name = Unique("history-src-");
        var image = Unique("committed/history:");
        await fixture.OkAsync("run", "--name", name, "busybox", "sh", "-c", "echo x > /x");
        await fixture.OkAsync("commit", "-m", "step two", name, image);
        var history = await fixture.OkAsync("history", "--no-trunc", "--format", "{{.ID}}|{{.CreatedBy}}|{{.Comment}}", image);
        var lines = history.StandardOutput.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        var id = (await fixture.OkAsync("inspect", "-f", "{{.Id}}", image)).StandardOutput.Trim();
        var busyboxId = (await fixture.OkAsync("inspect", "-f", "{{.Id}}", "busybox")).StandardOutput.Trim();
        Assert.Equal($"{id}|sh -c echo x > /x|step two", lines[0]);
        Assert.StartsWith(busyboxId + "|", lines[1]);
        await fixture.OkAsync("rm", name);
    }

    [Fact]
    public async Task Rmi_of_one_image_keeps_the_other_that_shares_its_layers_runnable()
    {
        var baseTag = Unique("shared/base:");
        await fixture.OkAsync("tag", "busybox", baseTag);
        var a = Unique("shared/a:");
        var b = Unique("shared/b:");
        var ca = Unique("shared-a-");
        var cb = Unique("shared-b-");
        await fixture.OkAsync("run", "--name", ca, baseTag, "sh", "-c", "echo a > /a");
        await fixture.OkAsync("commit", ca, a);
        await fixture.OkAsync("run", "--name", cb, baseTag, "sh", "-c", "echo b > /b");
        await fixture.OkAsync("commit", cb, b);
        await fixture.OkAsync("rm", ca, cb);

        var rmA = await fixture.OkAsync("rmi", a);
        Assert.Contains($"Untagged: {a}", rmA.StandardOutput);
        Assert.Contains("Deleted: ", rmA.StandardOutput);
        var runB = await fixture.OkAsync("run", "--rm", b, "cat", "/b");
        Assert.Equal("b\n", runB.StandardOutput);

        // The base tag goes; its image stays for b (a parent), and b still runs.
        var rmBase = await fixture.OkAsync("rmi", baseTag);
        Assert.Contains($"Untagged: {baseTag}", rmBase.StandardOutput);
        runB = await fixture.OkAsync("run", "--rm", b, "sh", "-c", "cat /b; echo ok");
        Assert.Equal("b\nok\n", runB.StandardOutput);
        await fixture.OkAsync("rmi", b);
        var busybox = await fixture.OkAsync("run", "--rm", "busybox", "echo", "still");
        Assert.Equal("still\n", busybox.StandardOutput);
    }

    [Fact]
    public async Task Import_from_a_url_served_on_loopback()
    {
        byte[] tar;
        using (var buffer = new MemoryStream())
        {
            Busybox.WriteRootFsTar(buffer);
            tar = buffer.ToArray();
        }
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var port = ((IPEndPoint)server.LocalEndpoint).Port;
        var serving = ServeOnceAsync(server, tar);
        var image = Unique("imported/url:");
        var import = await fixture.OkAsync("import", "-c", "ENV FROM_URL=1", $"http://127.0.0.1:{port}/rootfs.tar", image);
        Assert.Contains("Downloading from", import.StandardOutput);
        Assert.Equal("GET /rootfs.tar", await serving);
        var run = await fixture.OkAsync("run", "--rm", image, "sh", "-c", "echo $FROM_URL");
        Assert.Equal("1\n", run.StandardOutput);
    }

    [Fact]
    public async Task Import_from_a_url_that_answers_404_fails_with_the_status()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var port = ((IPEndPoint)server.LocalEndpoint).Port;
        var serving = ServeOnceAsync(server, null);
        var result = await fixture.Engine.DockerAsync("import", $"http://127.0.0.1:{port}/missing.tar", Unique("imported/missing:"));
        await serving;
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("404", result.StandardOutput + result.StandardError);
    }

    /// <summary>Answers one HTTP request with the body (or 404 when null); returns the request line without the version.</summary>
    private static async Task<string> ServeOnceAsync(TcpListener server, byte[]? body)
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
        var head = body is null
            ? "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            : $"HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        if (body is not null)
        {
            await stream.WriteAsync(body);
        }
        var line = request.ToString().Split("\r\n")[0];
        return line[..line.LastIndexOf(' ')];
    }
}
