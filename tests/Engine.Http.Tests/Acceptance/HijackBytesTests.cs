using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Engine.Http.Tests.Acceptance;

/// <summary>The exact bytes of attach against the real engine: 101 with Upgrade: tcp, raw 200 without, bare-LF requests.</summary>
[Trait("Category", "Root")]
public sealed class HijackBytesTests(AcceptanceEngine fixture) : IClassFixture<AcceptanceEngine>
{
    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(fixture.Engine.SocketPath));
        return socket;
    }

    private async Task<string> CreateAsync(string command)
    {
        using var client = fixture.Engine.CreateHttpClient();
        var body = JsonSerializer.Serialize(new { Image = "busybox", Cmd = new[] { "sh", "-c", command }, AttachStdout = true, AttachStderr = true });
        using var response = await client.PostAsync("/v1.19/containers/create", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 201, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("Id").GetString()!;
    }

    private async Task StartAsync(string id)
    {
        using var client = fixture.Engine.CreateHttpClient();
        using var response = await client.PostAsync($"/v1.19/containers/{id}/start", null);
        Assert.Equal(204, (int)response.StatusCode);
    }

    private async Task RemoveAsync(string id)
    {
        using var client = fixture.Engine.CreateHttpClient();
        using var response = await client.DeleteAsync($"/v1.19/containers/{id}?force=1");
        Assert.Equal(204, (int)response.StatusCode);
    }

    private static async Task<string> ReadHeadAsync(Socket socket)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!(bytes.Count >= 4 && bytes[^1] == '\n' && bytes[^2] == '\r' && bytes[^3] == '\n' && bytes[^4] == '\r'))
        {
            if (await socket.ReceiveAsync(one, SocketFlags.None, timeout.Token) == 0)
            {
                break;
            }
            bytes.Add(one[0]);
        }
        return Encoding.ASCII.GetString(bytes.ToArray());
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        using var all = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            all.Write(buffer, 0, n);
        }
        return all.ToArray();
    }

    /// <summary>Splits Docker's 8-byte-header frames; fails on a malformed one. Returns (stream, payload) in order.</summary>
    private static List<(int Stream, string Payload)> Frames(byte[] bytes)
    {
        var frames = new List<(int, string)>();
        int at = 0;
        while (at < bytes.Length)
        {
            Assert.True(bytes.Length - at >= 8, $"truncated frame header at {at}: {Convert.ToHexString(bytes)}");
            Assert.True(bytes[at] is 1 or 2 && bytes[at + 1] == 0 && bytes[at + 2] == 0 && bytes[at + 3] == 0, $"bad frame header at {at}: {Convert.ToHexString(bytes)}");
            int length = (bytes[at + 4] << 24) | (bytes[at + 5] << 16) | (bytes[at + 6] << 8) | bytes[at + 7];
            Assert.True(bytes.Length - at - 8 >= length, $"truncated frame at {at}");
            frames.Add((bytes[at], Encoding.ASCII.GetString(bytes, at + 8, length)));
            at += 8 + length;
        }
        return frames;
    }

    private static string Stream(List<(int Stream, string Payload)> frames, int stream) =>
        string.Concat(frames.Where(f => f.Stream == stream).Select(f => f.Payload));

    [Fact]
    public async Task Attach_with_upgrade_tcp_answers_101_then_framed_output_from_the_first_byte()
    {
        var id = await CreateAsync("echo hi; echo oops >&2; echo bye");
        using var socket = await ConnectAsync();
        await socket.SendAsync(Encoding.ASCII.GetBytes($"POST /v1.19/containers/{id}/attach?stream=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: docker\r\nUpgrade: tcp\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\n"));
        var head = await ReadHeadAsync(socket);
        Assert.StartsWith("HTTP/1.1 101 UPGRADED\r\n", head);
        Assert.Contains("\r\nContent-Type: application/vnd.docker.raw-stream\r\n", head);
        Assert.Contains("\r\nConnection: Upgrade\r\n", head);
        Assert.Contains("\r\nUpgrade: tcp\r\n", head);
        Assert.DoesNotContain("Content-Length", head);
        Assert.DoesNotContain("Transfer-Encoding", head);

        await StartAsync(id);
        var frames = Frames(await ReadToEndAsync(socket));
        Assert.Equal("hi\nbye\n", Stream(frames, 1));
        Assert.Equal("oops\n", Stream(frames, 2));
        await RemoveAsync(id);
    }

    [Fact]
    public async Task Attach_without_upgrade_and_with_bare_lf_headers_is_a_raw_200()
    {
        var id = await CreateAsync("echo hello; echo world >&2");
        using var socket = await ConnectAsync();
        // What Docker.DotNet 3.125 sends: no Upgrade, header lines ended by a bare LF, Connection: close.
        await socket.SendAsync(Encoding.ASCII.GetBytes($"POST /containers/{id}/attach?stream=1&stdout=1&stderr=1 HTTP/1.1\nHost: docker\nConnection: close\n\n"));
        var head = await ReadHeadAsync(socket);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head);
        Assert.Contains("\r\nContent-Type: application/vnd.docker.raw-stream\r\n", head);
        Assert.DoesNotContain("Content-Length", head, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Transfer-Encoding", head, StringComparison.OrdinalIgnoreCase);

        await StartAsync(id);
        var frames = Frames(await ReadToEndAsync(socket));
        Assert.Equal("hello\n", Stream(frames, 1));
        Assert.Equal("world\n", Stream(frames, 2));
        await RemoveAsync(id);
    }

    [Fact]
    public async Task Bare_lf_request_lines_are_accepted_for_plain_requests()
    {
        using var socket = await ConnectAsync();
        await socket.SendAsync("GET /v1.19/_ping HTTP/1.1\nHost: docker\nConnection: close\n\n"u8.ToArray());
        var text = Encoding.ASCII.GetString(await ReadToEndAsync(socket));
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", text);
        Assert.Contains("\r\nApi-Version: 1.19\r\n", text);
        Assert.EndsWith("\r\n\r\nOK", text);
    }

    [Fact]
    public async Task Attach_with_stdin_over_upgrade_feeds_the_process_and_half_close_ends_it()
    {
        using var client = fixture.Engine.CreateHttpClient();
        var body = """{"Image":"busybox","Cmd":["cat"],"AttachStdin":true,"AttachStdout":true,"AttachStderr":true,"OpenStdin":true,"StdinOnce":true}""";
        using var created = await client.PostAsync("/v1.19/containers/create", new StringContent(body, Encoding.UTF8, "application/json"));
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("Id").GetString()!;

        using var socket = await ConnectAsync();
        await socket.SendAsync(Encoding.ASCII.GetBytes($"POST /v1.19/containers/{id}/attach?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: docker\r\nUpgrade: tcp\r\nConnection: Upgrade\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 101 UPGRADED\r\n", await ReadHeadAsync(socket));
        // Sent before start, as `docker run -i` does: buffered until the process runs.
        await socket.SendAsync("line one\nline two\n"u8.ToArray());
        await StartAsync(id);
        socket.Shutdown(SocketShutdown.Send);
        var frames = Frames(await ReadToEndAsync(socket));
        Assert.Equal("line one\nline two\n", Stream(frames, 1));
        Assert.Equal(0, (await fixture.WaitForStatusAsync(id, "exited")).GetProperty("State").GetProperty("ExitCode").GetInt32());
        await RemoveAsync(id);
    }

    [Fact]
    public async Task A_hijack_after_a_keep_alive_request_on_the_same_connection_upgrades()
    {
        var id = await CreateAsync("echo kept");
        using var socket = await ConnectAsync();
        await socket.SendAsync("GET /v1.19/_ping HTTP/1.1\nHost: x\n\n"u8.ToArray());
        Assert.StartsWith("HTTP/1.1 200 OK", await ReadHeadAsync(socket));
        var ok = new byte[2];
        Assert.Equal(2, await socket.ReceiveAsync(ok));
        Assert.Equal("OK", Encoding.ASCII.GetString(ok));

        await socket.SendAsync(Encoding.ASCII.GetBytes($"POST /v1.19/containers/{id}/attach?stream=1&stdout=1 HTTP/1.1\nHost: x\nUpgrade: tcp\nConnection: Upgrade\n\n"));
        var head = await ReadHeadAsync(socket);
        Assert.StartsWith("HTTP/1.1 101 UPGRADED\r\n", head);
        Assert.Contains("Api-Version: 1.19\r\n", head);
        await StartAsync(id);
        Assert.Equal("kept\n", Stream(Frames(await ReadToEndAsync(socket)), 1));
        await RemoveAsync(id);
    }

    [Fact]
    public async Task A_tty_attach_without_upgrade_is_unframed()
    {
        using var client = fixture.Engine.CreateHttpClient();
        var body = """{"Image":"busybox","Cmd":["sh","-c","echo tty-out"],"Tty":true,"AttachStdout":true}""";
        using var created = await client.PostAsync("/v1.19/containers/create", new StringContent(body, Encoding.UTF8, "application/json"));
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("Id").GetString()!;
        using var socket = await ConnectAsync();
        await socket.SendAsync(Encoding.ASCII.GetBytes($"POST /containers/{id}/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", await ReadHeadAsync(socket));
        await StartAsync(id);
        // The pty turns "\n" into "\r\n"; no 8-byte headers.
        Assert.Equal("tty-out\r\n", Encoding.ASCII.GetString(await ReadToEndAsync(socket)));
        await RemoveAsync(id);
    }

    [Fact]
    public async Task A_hijack_of_a_missing_container_is_a_404_in_the_versions_error_form()
    {
        using var socket = await ConnectAsync();
        await socket.SendAsync("POST /v1.19/containers/nope/attach?stream=1 HTTP/1.1\r\nHost: x\r\nUpgrade: tcp\r\n\r\n"u8.ToArray());
        var text = Encoding.ASCII.GetString(await ReadToEndAsync(socket));
        Assert.StartsWith("HTTP/1.1 404 Not Found\r\n", text);
        Assert.EndsWith("\r\n\r\nNo such container: nope\n", text);
    }

    [Fact]
    public async Task Plain_routes_and_their_errors_pass_through_the_hijack_middleware()
    {
        var id = await CreateAsync("exit 3");
        using var client = fixture.Engine.CreateHttpClient();
        await StartAsync(id);
        var wait = await client.PostAsync($"/v1.19/containers/{id}/wait", null);
        Assert.Equal("{\"StatusCode\":3}\n", await wait.Content.ReadAsStringAsync());
        var kill = await client.PostAsync($"/v1.19/containers/{id}/kill", null);
        Assert.True((int)kill.StatusCode is 409 or 500, kill.StatusCode.ToString());
        Assert.Equal($"Container {id} is not running\n", await kill.Content.ReadAsStringAsync());
        var inspect = await client.GetAsync("/containers/zz-none/json");
        Assert.Equal(404, (int)inspect.StatusCode);
        Assert.Equal("{\"message\":\"No such container: zz-none\"}\n", await inspect.Content.ReadAsStringAsync());
        var create = await client.PostAsync("/v1.19/containers/create", new StringContent("{\"Image\":"));
        Assert.Equal(400, (int)create.StatusCode);
        Assert.Equal("Docker/1.7.1 (linux)", create.Headers.Server.ToString());
        var unknown = await client.GetAsync("/v1.19/what");
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Equal("page not found\n", await unknown.Content.ReadAsStringAsync());
        await RemoveAsync(id);
    }

    [Fact]
    public async Task Ctrl_p_ctrl_q_detaches_a_tty_attach_and_the_container_goes_on()
    {
        using var client = fixture.Engine.CreateHttpClient();
        var body = """{"Image":"busybox","Cmd":["sh"],"Tty":true,"OpenStdin":true,"AttachStdin":true,"AttachStdout":true}""";
        using var created = await client.PostAsync("/v1.19/containers/create", new StringContent(body, Encoding.UTF8, "application/json"));
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("Id").GetString()!;
        await StartAsync(id);
        using var socket = await ConnectAsync();
        await socket.SendAsync(Encoding.ASCII.GetBytes($"POST /v1.19/containers/{id}/attach?stream=1&stdin=1&stdout=1 HTTP/1.1\r\nHost: docker\r\nUpgrade: tcp\r\nConnection: Upgrade\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 101 UPGRADED\r\n", await ReadHeadAsync(socket));
        await socket.SendAsync("echo marker-$((40+2))\n"u8.ToArray());
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            while (!seen.ToString().Contains("marker-42"))
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                Assert.True(n > 0, "the attach ended before the command's output: " + seen);
                seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
        }
        // The sequence split over two writes: the first Ctrl-P waits for what follows. Then the engine ends the attach.
        await socket.SendAsync("\u0010"u8.ToArray());
        await socket.SendAsync("\u0011"u8.ToArray());
        await ReadToEndAsync(socket);
        var state = (await fixture.WaitForStatusAsync(id, "running")).GetProperty("State");
        Assert.True(state.GetProperty("Running").GetBoolean());
        await RemoveAsync(id);
    }
}
