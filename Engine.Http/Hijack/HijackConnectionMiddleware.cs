using System.Buffers;
using System.IO.Pipelines;
using Engine.Http.Routing;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Engine.Http.Hijack;

/// <summary>
/// A Kestrel connection middleware in front of Kestrel's HTTP/1.1. It reads every request head on
/// the connection itself; requests on <see cref="HijackRoutes"/> are served here with raw bytes both
/// ways; all others are forwarded byte for byte (head, then the body as framed by Content-Length or
/// chunked encoding) through a pipe that Kestrel reads as its input. See README.md ("Hijacking").
/// </summary>
internal sealed partial class HijackConnectionMiddleware(
    ConnectionDelegate next,
    HijackRoutes routes,
    EngineHttpOptions options,
    IServiceProvider services,
    ILogger logger)
{
    private const int MaxHijackBody = 1024 * 1024;

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var transport = connection.Transport;
        var toKestrel = new Pipe(new PipeOptions(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, useSynchronizationContext: false));
        var kestrelSide = new KestrelSideConnection(connection, toKestrel.Reader);
        var kestrel = next(kestrelSide);
        try
        {
            var pump = PumpAsync(transport.Input, toKestrel.Writer, kestrelSide);
            if (await Task.WhenAny(pump, kestrel) == kestrel && !pump.IsCompleted)
            {
                // Kestrel closed the connection (Connection: close, shutdown, bad request).
                transport.Input.CancelPendingRead();
            }
            var hijack = await pump;
            if (hijack is not null)
            {
                kestrelSide.Detach();
            }
            await toKestrel.Writer.CompleteAsync();
            await kestrel;
            if (hijack is not null)
            {
                await ServeHijackAsync(connection, hijack.Value);
            }
        }
        catch (Exception e) when (e is IOException or ConnectionAbortedException or OperationCanceledException)
        {
            // The connection went away.
        }
        finally
        {
            await toKestrel.Writer.CompleteAsync();
            await transport.Output.CompleteAsync();
            await kestrelSide.DisposeAsync();
        }
    }

    private async Task ServeHijackAsync(ConnectionContext connection, HijackRequest hijack)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var stopping = (services.GetService(typeof(IHostApplicationLifetime)) as IHostApplicationLifetime)?.ApplicationStopping ?? CancellationToken.None;
        LogHijack(logger, hijack.Head.Method, hijack.Head.Path);
        if (hijack.Head.ExpectsContinue && (hijack.Head.ContentLength > 0 || hijack.Head.IsChunked))
        {
            await output.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), stopping);
        }
        var body = await HttpBodyReader.ReadAsync(input, hijack.Head, MaxHijackBody, stopping);
        var context = new HijackContext(hijack.Head, hijack.Version, hijack.RouteValues, body, input, output, services, options, stopping);
        try
        {
            await hijack.Handler(context);
        }
        catch (Exception e) when (e is not (OperationCanceledException or IOException or ConnectionAbortedException))
        {
            LogHijackFailed(logger, e, hijack.Head.Method, hijack.Head.Path);
        }
        await output.FlushAsync(CancellationToken.None);
    }

    /// <summary>
    /// Forwards requests to Kestrel until one is a hijack route (returned, its head consumed) or the
    /// connection ends (null). Request framing is tracked so that every head is seen; anything this
    /// parser cannot follow (an upgrade Kestrel serves, an unknown transfer coding, a malformed head)
    /// switches the connection to plain pass-through and leaves the verdict to Kestrel.
    /// </summary>
    private async Task<HijackRequest?> PumpAsync(PipeReader input, PipeWriter toKestrel, KestrelSideConnection kestrelSide)
    {
        var framing = new RequestFraming();
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                var buffer = result.Buffer;
                if (result.IsCanceled)
                {
                    input.AdvanceTo(buffer.Start);
                    return null;
                }
                while (!buffer.IsEmpty)
                {
                    if (framing.AtHead)
                    {
                        if (!HttpRequestHead.TryFindEnd(buffer, out var headEnd))
                        {
                            if (buffer.Length <= HttpRequestHead.MaxHeadSize && !result.IsCompleted)
                            {
                                break;
                            }
                            framing.PassThrough();
                            continue;
                        }
                        var headBytes = buffer.Slice(0, headEnd);
                        var head = HttpRequestHead.Parse(headBytes);
                        if (head is null)
                        {
                            framing.PassThrough();
                            continue;
                        }
                        var path = ApiVersion.StripPrefix(head.Path, out var version);
                        if (routes.Table.TryMatch(head.Method, path, out var handler, out var values))
                        {
                            input.AdvanceTo(headEnd);
                            return new HijackRequest(head, version, values, handler!);
                        }
                        Forward(toKestrel, headBytes);
                        buffer = buffer.Slice(headEnd);
                        framing.StartBody(head);
                        continue;
                    }
                    var consumed = framing.Advance(buffer);
                    if (consumed == 0)
                    {
                        break;
                    }
                    Forward(toKestrel, buffer.Slice(0, consumed));
                    buffer = buffer.Slice(consumed);
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                var flushed = await toKestrel.FlushAsync();
                if (flushed.IsCompleted)
                {
                    return null;
                }
                if (result.IsCompleted)
                {
                    kestrelSide.SignalClosed();
                    return null;
                }
            }
        }
        catch (Exception e) when (e is IOException or ConnectionAbortedException or InvalidOperationException)
        {
            kestrelSide.SignalClosed();
            return null;
        }
    }

    private static void Forward(PipeWriter toKestrel, ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            toKestrel.Write(segment.Span);
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Debug, Message = "hijack {Method} {Path}")]
    private static partial void LogHijack(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "hijacked {Method} {Path} failed")]
    private static partial void LogHijackFailed(ILogger logger, Exception exception, string method, string path);

    private readonly record struct HijackRequest(HttpRequestHead Head, ApiVersion? Version, Dictionary<string, string> RouteValues, HijackHandler Handler);
}
