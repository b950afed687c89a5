using System.Net.Sockets;
using System.Text;
using Engine.Core;
using Engine.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Engine.Http.Tests;

/// <summary>The hijack middleware in a real Kestrel on a unix socket, driven with raw bytes, with a fake engine.</summary>
public sealed class HijackMiddlewareTests : IAsyncLifetime
{
    private readonly string _dir = TestPaths.NewTempDir("hijack");
    private readonly FakeEngine _engine = new();
    private WebApplication? _app;

    private string SocketPath => Path.Combine(_dir, "api.sock");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(SocketPath, l => l.UseEngineHijack()));
        builder.Services.AddSingleton<IContainerEngine>(_engine);
        builder.Services.AddEngineHttp();
        _app = builder.Build();
        _app.UseEngineApi();
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
        return socket;
    }

    private static async Task<string> ReadHeadAsync(Socket socket)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (!(bytes.Count >= 4 && bytes[^1] == '\n' && bytes[^2] == '\r' && bytes[^3] == '\n' && bytes[^4] == '\r'))
        {
            if (await socket.ReceiveAsync(one) == 0)
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
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            all.Write(buffer, 0, n);
        }
        return all.ToArray();
    }

    [Fact]
    public async Task Attach_after_keep_alive_request_upgrades_and_multiplexes()
    {
        using var socket = await ConnectAsync();
        await socket.SendAsync("GET /v1.19/_ping HTTP/1.1\nHost: x\n\n"u8.ToArray());
        var ping = await ReadHeadAsync(socket);
        Assert.StartsWith("HTTP/1.1 200 OK", ping);
        var ok = new byte[2];
        Assert.Equal(2, await socket.ReceiveAsync(ok));
        Assert.Equal("OK", Encoding.ASCII.GetString(ok));

        await socket.SendAsync("POST /v1.19/containers/echo/attach?stream=1&stdin=1&stdout=1 HTTP/1.1\nHost: x\nUpgrade: tcp\nConnection: Upgrade\n\n"u8.ToArray());
        var head = await ReadHeadAsync(socket);
        Assert.StartsWith("HTTP/1.1 101 UPGRADED\r\n", head);
        Assert.Contains("Content-Type: application/vnd.docker.raw-stream\r\n", head);
        Assert.Contains("Upgrade: tcp\r\n", head);
        Assert.Contains("Api-Version: 1.19\r\n", head);
        await socket.SendAsync("hi"u8.ToArray());
        socket.Shutdown(SocketShutdown.Send);
        var output = await ReadToEndAsync(socket);
        Assert.Equal(new byte[] { 1, 0, 0, 0, 0, 0, 0, 2, (byte)'h', (byte)'i' }, output);
    }

    [Fact]
    public async Task Attach_without_upgrade_is_raw_200_and_tty_is_unframed()
    {
        _engine.Tty = true;
        using var socket = await ConnectAsync();
        await socket.SendAsync("POST /containers/echo/attach?stream=1&stdin=1&stdout=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        var head = await ReadHeadAsync(socket);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head);
        Assert.DoesNotContain("Content-Length", head);
        Assert.DoesNotContain("Transfer-Encoding", head);
        await socket.SendAsync("abc"u8.ToArray());
        socket.Shutdown(SocketShutdown.Send);
        Assert.Equal("abc", Encoding.ASCII.GetString(await ReadToEndAsync(socket)));
    }

    [Fact]
    public async Task Attach_to_missing_container_is_404_in_version_form()
    {
        using var socket = await ConnectAsync();
        await socket.SendAsync("POST /v1.19/containers/nope/attach?stream=1 HTTP/1.1\r\nHost: x\r\nUpgrade: tcp\r\n\r\n"u8.ToArray());
        var text = Encoding.ASCII.GetString(await ReadToEndAsync(socket));
        Assert.StartsWith("HTTP/1.1 404 Not Found\r\n", text);
        Assert.EndsWith("\r\n\r\nNo such container: nope\n", text);
    }

    [Fact]
    public async Task Kestrel_routes_and_errors_through_the_middleware()
    {
        using var client = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), ct);
                return new NetworkStream(s, ownsSocket: true);
            },
        }) { BaseAddress = new Uri("http://engine") };
        var wait = await client.PostAsync("/v1.19/containers/x/wait", null);
        Assert.Equal("{\"StatusCode\":3}\n", await wait.Content.ReadAsStringAsync());
        var start = await client.PostAsync("/v1.19/containers/x/start", new StringContent("{}"));
        Assert.Equal(304, (int)start.StatusCode);
        var kill = await client.PostAsync("/v1.19/containers/x/kill", null);
        Assert.Equal(500, (int)kill.StatusCode);
        Assert.Equal("Container x is not running\n", await kill.Content.ReadAsStringAsync());
        var inspect = await client.GetAsync("/containers/zz/json");
        Assert.Equal(404, (int)inspect.StatusCode);
        Assert.Equal("{\"message\":\"No such container: zz\"}\n", await inspect.Content.ReadAsStringAsync());
        var create = await client.PostAsync("/v1.19/containers/create", new StringContent("{\"Image\":"));
        Assert.Equal(400, (int)create.StatusCode);
        Assert.Equal("Docker/1.7.1 (linux)", create.Headers.Server.ToString());
        var unknown = await client.GetAsync("/v1.19/what");
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Equal("page not found\n", await unknown.Content.ReadAsStringAsync());
    }
}
