using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Engine.Http.Tests.Acceptance;

/// <summary>GET /containers/(id)/attach/ws against the real engine: stdin in, raw output out, over a WebSocket.</summary>
[Trait("Category", "Root")]
public sealed class WebSocketAttachTests(AcceptanceEngine fixture) : IClassFixture<AcceptanceEngine>
{
    private async Task<WebSocket> ConnectAsync(string path)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(fixture.Engine.SocketPath), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri("ws://engine" + path), new HttpMessageInvoker(handler), CancellationToken.None);
        return ws;
    }

    [Fact]
    public async Task Stdin_messages_reach_the_process_and_its_output_comes_back_raw()
    {
        using var client = fixture.Engine.CreateHttpClient();
        var body = JsonSerializer.Serialize(new { Image = "busybox", Cmd = new[] { "sh", "-c", "read line; echo got:$line; echo err >&2" }, OpenStdin = true, StdinOnce = true, AttachStdin = true });
        using var created = await client.PostAsync("/v1.19/containers/create", new StringContent(body, Encoding.UTF8, "application/json"));
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("Id").GetString()!;
        try
        {
            using var ws = await ConnectAsync($"/v1.19/containers/{id}/attach/ws?stream=1&stdin=1&stdout=1&stderr=1");
            using (var started = await client.PostAsync($"/v1.19/containers/{id}/start", null))
            {
                Assert.Equal(204, (int)started.StatusCode);
            }
            await ws.SendAsync("hello\n"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
            var output = new StringBuilder();
            var buffer = new byte[4096];
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (true)
            {
                WebSocketReceiveResult r;
                try
                {
                    r = await ws.ReceiveAsync(buffer, deadline.Token);
                }
                catch (WebSocketException e)
                {
                    throw new InvalidOperationException($"after \"{output}\": {fixture.Engine.Log}", e);
                }
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                output.Append(Encoding.UTF8.GetString(buffer, 0, r.Count));
            }
            // stdout and stderr are separate pipes: their relative order is not defined.
            var text = output.ToString();
            Assert.Contains("got:hello\n", text);
            Assert.Contains("err\n", text);
            Assert.Equal("got:hello\nerr\n".Length, text.Length);
        }
        finally
        {
            await client.DeleteAsync($"/v1.19/containers/{id}?force=1");
        }
    }

    [Fact]
    public async Task A_plain_request_is_refused()
    {
        using var client = fixture.Engine.CreateHttpClient();
        using var response = await client.GetAsync("/v1.19/containers/nosuch/attach/ws");
        Assert.Equal(400, (int)response.StatusCode);
    }
}
