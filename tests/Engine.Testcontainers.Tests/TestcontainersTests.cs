using System.Net;
using System.Text;
using System.Text.Json;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using Engine.Http.Tests;
using Engine.Http.Tests.Acceptance;

namespace Engine.Testcontainers.Tests;

/// <summary>
/// Testcontainers for .NET 4.17.0 drives the engine: busybox:latest (imported by the fixture),
/// port publishing, wait strategies, exec, logs, archive copy, labels/env/name, removal.
/// Every builder is pointed at this fixture's engine with WithDockerEndpoint, so no DOCKER_HOST is
/// set and the other engines of the test run are unaffected. Ryuk (its image is on Docker Hub,
/// unreachable) is turned off with TestcontainersSettings.ResourceReaperEnabled = false, the API
/// form of TESTCONTAINERS_RYUK_DISABLED=true: it is static, but only this assembly uses
/// Testcontainers and every test here wants it off. Not WithCleanUp(false): that clears the
/// session id, and DisposeAsync then only stops the container instead of removing it.
/// </summary>
[Trait("Category", "Root")]
public sealed class TestcontainersTests(AcceptanceEngine fixture) : IClassFixture<AcceptanceEngine>
{
    static TestcontainersTests() => TestcontainersSettings.ResourceReaperEnabled = false;

    private ContainerBuilder Busybox() => new ContainerBuilder("busybox:latest") // the parameterless constructor + WithImage is obsolete in 4.17
        .WithDockerEndpoint(fixture.Engine.DockerHost);

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token;

    [Fact]
    public async Task Httpd_with_a_random_host_port_answers_and_dispose_removes_it()
    {
        var ct = Timeout();
        var container = Busybox()
            .WithCommand("sh", "-c", "mkdir -p /www && echo hi > /www/index.html && exec httpd -f -p 80 -h /www")
            .WithPortBinding(80, assignRandomHostPort: true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(80)))
            .Build();
        string id;
        await using (container)
        {
            await container.StartAsync(ct);
            id = container.Id;
            Assert.Equal(TestcontainersStates.Running, container.State);
            var port = container.GetMappedPublicPort(80);
            Assert.NotEqual(0, port);
            Assert.NotEqual(80, port);

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            Assert.Equal("hi\n", await http.GetStringAsync($"http://127.0.0.1:{port}/", ct));
        }

        using var client = fixture.Engine.CreateHttpClient();
        using var response = await client.GetAsync($"/v1.19/containers/{id}/json", ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Exec_logs_copy_and_read_file()
    {
        var ct = Timeout();
        await using var container = Busybox()
            .WithCommand("sh", "-c", "echo started; echo oops >&2; exec sleep 300")
            .WithResourceMapping(Encoding.UTF8.GetBytes("mapped\n"), FilePath.Of("/etc/mapped.txt"))
            .WithWaitStrategy(Wait.ForUnixContainer().UntilMessageIsLogged("started"))
            .Build();
        await container.StartAsync(ct);

        var exec = await container.ExecAsync(["sh", "-c", "echo from-exec; echo to-stderr >&2; exit 3"], ct);
        Assert.Equal(3, exec.ExitCode);
        Assert.Equal("from-exec\n", exec.Stdout);
        Assert.Equal("to-stderr\n", exec.Stderr);

        var ok = await container.ExecAsync(["cat", "/etc/mapped.txt"], ct);
        Assert.Equal(0, ok.ExitCode);
        Assert.Equal("mapped\n", ok.Stdout);

        var (stdout, stderr) = await container.GetLogsAsync(timestampsEnabled: false, ct: ct);
        Assert.Equal("started\n", stdout);
        Assert.Equal("oops\n", stderr);

        await container.CopyAsync(Encoding.UTF8.GetBytes("copied content\n"), "/tmp/dir/copied.txt", ct: ct);
        var cat = await container.ExecAsync(["cat", "/tmp/dir/copied.txt"], ct);
        Assert.Equal("copied content\n", cat.Stdout);
        Assert.Equal("copied content\n", Encoding.UTF8.GetString(await container.ReadFileAsync("/tmp/dir/copied.txt", ct)));
        Assert.Equal("mapped\n", Encoding.UTF8.GetString(await container.ReadFileAsync("/etc/mapped.txt", ct)));
    }

    [Fact]
    public async Task Until_message_is_logged_waits_for_ready()
    {
        var ct = Timeout();
        await using var container = Busybox()
            .WithCommand("sh", "-c", "sleep 1; echo ready; exec sleep 300")
            .WithWaitStrategy(Wait.ForUnixContainer().UntilMessageIsLogged("ready"))
            .Build();
        await container.StartAsync(ct);
        var (stdout, _) = await container.GetLogsAsync(timestampsEnabled: false, ct: ct);
        Assert.Equal("ready\n", stdout);
        Assert.Equal(TestcontainersStates.Running, container.State);
    }

    [Fact]
    public async Task Labels_env_and_name_are_applied()
    {
        var ct = Timeout();
        var name = AcceptanceEngine.UniqueName("tc");
        await using var container = Busybox()
            .WithName(name)
            .WithLabel("com.example.role", "web")
            .WithEnvironment("GREETING", "hello world")
            .WithCommand("sh", "-c", "echo \"$GREETING\"; exec sleep 300")
            .WithWaitStrategy(Wait.ForUnixContainer().UntilMessageIsLogged("hello world"))
            .Build();
        await container.StartAsync(ct);
        Assert.Equal("/" + name, container.Name);

        var inspect = await fixture.InspectAsync(name);
        Assert.Equal(container.Id, inspect.GetProperty("Id").GetString());
        Assert.Equal("/" + name, inspect.GetProperty("Name").GetString());
        var config = inspect.GetProperty("Config");
        var labels = config.GetProperty("Labels");
        Assert.Equal("web", labels.GetProperty("com.example.role").GetString());
        Assert.Equal("true", labels.GetProperty("org.testcontainers").GetString());
        Assert.Contains("GREETING=hello world", config.GetProperty("Env").EnumerateArray().Select(e => e.GetString()));

        var exec = await container.ExecAsync(["sh", "-c", "echo $GREETING"], ct);
        Assert.Equal("hello world\n", exec.Stdout);

        using var client = fixture.Engine.CreateHttpClient();
        var listed = JsonDocument.Parse(await client.GetStringAsync(
            "/v1.19/containers/json?filters=" + Uri.EscapeDataString("{\"label\":[\"com.example.role=web\"]}"), ct)).RootElement;
        Assert.Contains(listed.EnumerateArray(), c => c.GetProperty("Id").GetString() == container.Id);
    }

    [Fact]
    public async Task Tcp_port_waits_stop_start_and_exit_code()
    {
        var ct = Timeout();
        await using var container = Busybox()
            .WithCommand("sh", "-c", "mkdir -p /www && echo hi > /www/index.html && exec httpd -f -p 8080 -h /www")
            .WithPortBinding(8080, assignRandomHostPort: true)
            .WithWaitStrategy(Wait.ForUnixContainer()
                .UntilInternalTcpPortIsAvailable(8080) // an exec: grep /proc/net/tcp* || nc -z ...
                .UntilExternalTcpPortIsAvailable(8080)) // a TCP connect to the published port
            .Build();
        await container.StartAsync(ct);
        // 127.0.0.1, or when the tests themselves run inside a container (/.dockerenv), the gateway
        // of the container's first network: NetworkSettings.Networks must carry it.
        var gateway = (await fixture.InspectAsync(container.Id)).GetProperty("NetworkSettings").GetProperty("Networks").GetProperty("bridge").GetProperty("Gateway").GetString();
        Assert.Equal(File.Exists("/.dockerenv") ? gateway : "127.0.0.1", container.Hostname);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal("hi\n", await http.GetStringAsync($"http://{container.Hostname}:{container.GetMappedPublicPort(8080)}/", ct));

        await container.StopAsync(ct);
        Assert.Equal(TestcontainersStates.Exited, container.State);
        Assert.Equal(137, await container.GetExitCodeAsync(ct)); // httpd ignores SIGTERM as pid 1: killed after the timeout

        await container.StartAsync(ct);
        Assert.Equal(TestcontainersStates.Running, container.State);
        Assert.Equal("hi\n", await http.GetStringAsync($"http://{container.Hostname}:{container.GetMappedPublicPort(8080)}/", ct));
        Assert.Equal("hi\n", await http.GetStringAsync($"http://127.0.0.1:{container.GetMappedPublicPort(8080)}/", ct));

        await container.CopyAsync(Encoding.UTF8.GetBytes("#!/bin/sh\necho script\n"), "/usr/local/bin/s.sh", uid: 1000, gid: 1000, fileMode: UnixFileModes.UserRead | UnixFileModes.UserWrite | UnixFileModes.UserExecute, ct: ct);
        var stat = await container.ExecAsync(["stat", "-c", "%u:%g %a", "/usr/local/bin/s.sh"], ct);
        Assert.Equal("1000:1000 700\n", stat.Stdout);
        Assert.Equal("script\n", (await container.ExecAsync(["/usr/local/bin/s.sh"], ct)).Stdout);
    }
}
