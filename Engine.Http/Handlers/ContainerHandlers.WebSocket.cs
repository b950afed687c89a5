using System.Net.WebSockets;
using Engine.Core.Containers;
using Engine.Http.Errors;
using Engine.Http.Routing;

namespace Engine.Http.Handlers;

internal static partial class ContainerHandlers
{
    /// <summary>
    /// GET /containers/(id)/attach/ws: the attach over a WebSocket. Output goes out raw (never multiplexed),
    /// one text message per chunk as Docker 1.7 sent it; each message received is written to stdin, and the
    /// client's close ends stdin.
    /// </summary>
    public static async Task AttachWebSocketAsync(ApiContext c)
    {
        if (!c.Http.WebSockets.IsWebSocketRequest)
        {
            throw new BadHttpInputException("websocket handshake expected");
        }
        var options = new AttachOptions
        {
            Stdin = c.QueryBool("stdin"),
            Stdout = c.QueryBool("stdout"),
            Stderr = c.QueryBool("stderr"),
            Logs = c.QueryBool("logs"),
            Stream = c.QueryBool("stream"),
        };
        await using var attachment = await c.Engine.Containers.AttachAsync(c.Route("id"), options, c.Aborted);
        using var socket = await c.Http.WebSockets.AcceptWebSocketAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(c.Aborted);
        var input = PumpWebSocketInputAsync(socket, attachment, options.Stdin, stop.Token);
        try
        {
            await foreach (var chunk in attachment.ReadOutputAsync(stop.Token))
            {
                await socket.SendAsync(chunk.Data, WebSocketMessageType.Text, endOfMessage: true, stop.Token);
            }
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The client went away.
        }
        // Let the client answer the close (cancelling a pending receive would abort the connection first).
        if (await Task.WhenAny(input, Task.Delay(TimeSpan.FromSeconds(5), c.Aborted)) != input)
        {
            await stop.CancelAsync();
        }
        await input;
    }

    private static async Task PumpWebSocketInputAsync(WebSocket socket, IContainerAttachment attachment, bool stdin, CancellationToken cancellationToken)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                if (stdin && received.Count > 0)
                {
                    await attachment.WriteStdinAsync(buffer.AsMemory(0, received.Count), cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            return;
        }
        if (stdin)
        {
            await attachment.CompleteStdinAsync();
        }
    }
}
