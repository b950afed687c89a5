using Engine.Core;
using Engine.Core.Containers;
using Engine.Http.Json;
using Engine.Http.Streams;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Http.Hijack;

/// <summary>
/// POST /exec/(id)/start with {"Detach":bool,"Tty":bool}. Errors found before the exec runs (no such exec, already
/// started, container not running) are ordinary HTTP answers. Detach: 204 once started (Docker 1.7). Otherwise 101
/// with Upgrade (else raw 200), output multiplexed unless the start asks for a TTY (Docker 1.7 frames by the start
/// body's Tty), client bytes to the exec's stdin; the client's half-close closes the exec's stdin and output
/// continues to the end; the connection closes once the exec has ended and its exit code is recorded.
/// </summary>
internal static class ExecStartHandler
{
    public static async Task HandleAsync(HijackContext context)
    {
        IContainerAttachment attachment;
        ExecStartBody body;
        try
        {
            body = RequestBodies.ReadExecStart(context.Body);
            var engine = context.Services.GetRequiredService<IContainerEngine>();
            attachment = await engine.Exec.StartAsync(context.Route("id"), body.Detach, context.Aborted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await context.WriteErrorAsync(e);
            return;
        }
        await using (attachment)
        {
            if (body.Detach)
            {
                await context.WriteResponseAsync(204, "", []);
                return;
            }
            await context.WriteStreamHeadAsync();
            var flushed = await context.Output.FlushAsync(context.Aborted);
            if (flushed.IsCompleted)
            {
                return;
            }
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.Aborted);
            var stdin = PumpStdinAsync(context, attachment, stop.Token);
            var raw = body.Tty;
            try
            {
                await foreach (var chunk in attachment.ReadOutputAsync(stop.Token))
                {
                    StreamFrameWriter.Write(context.Output, chunk.Stream, chunk.Data.Span, raw);
                    var result = await context.Output.FlushAsync(stop.Token);
                    if (result.IsCompleted || result.IsCanceled)
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (IOException)
            {
                // The client is gone.
            }
            finally
            {
                await stop.CancelAsync();
                context.Input.CancelPendingRead();
                await stdin;
            }
        }
    }

    /// <summary>Client bytes to the exec's stdin until the client half-closes (then CompleteStdinAsync) or the exec ends.</summary>
    private static async Task PumpStdinAsync(HijackContext context, IContainerAttachment attachment, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var result = await context.Input.ReadAsync(cancellationToken);
                if (result.IsCanceled)
                {
                    return;
                }
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    await attachment.WriteStdinAsync(segment, cancellationToken);
                }
                context.Input.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    await attachment.CompleteStdinAsync();
                    return;
                }
            }
        }
        catch (Exception)
        {
            // The exec ended, the connection was reset, or the exec has no stdin (its bytes are dropped with the
            // rest of the stream): output keeps streaming until the exec ends.
        }
    }
}
