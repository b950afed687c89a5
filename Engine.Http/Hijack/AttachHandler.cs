using Engine.Core;
using Engine.Core.Containers;
using Engine.Http.Streams;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Http.Hijack;

/// <summary>
/// POST /containers/(id)/attach. Output goes out multiplexed (8-byte headers) unless the container
/// has a TTY; client bytes go to stdin; the client's half-close completes stdin while output keeps
/// flowing; the end of output closes the connection.
/// </summary>
internal static class AttachHandler
{
    public static async Task HandleAsync(HijackContext context)
    {
        var options = new AttachOptions
        {
            Stdin = context.QueryBool("stdin"),
            Stdout = context.QueryBool("stdout"),
            Stderr = context.QueryBool("stderr"),
            Logs = context.QueryBool("logs"),
            Stream = context.QueryBool("stream"),
        };
        IContainerAttachment attachment;
        try
        {
            var engine = context.Services.GetRequiredService<IContainerEngine>();
            attachment = await engine.Containers.AttachAsync(context.Route("id"), options, context.Aborted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await context.WriteErrorAsync(e);
            return;
        }
        await using (attachment)
        {
            await context.WriteStreamHeadAsync();
            var flushed = await context.Output.FlushAsync(context.Aborted);
            if (flushed.IsCompleted)
            {
                return;
            }
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.Aborted);
            var stdin = PumpStdinAsync(context, attachment, options.Stdin, stop.Token);
            try
            {
                await foreach (var chunk in attachment.ReadOutputAsync(stop.Token))
                {
                    StreamFrameWriter.Write(context.Output, chunk.Stream, chunk.Data.Span, attachment.Tty);
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
                stop.Cancel();
                context.Input.CancelPendingRead();
                await stdin;
            }
        }
    }

    /// <summary>Client bytes to stdin until the client half-closes (then CompleteStdinAsync) or the attach ends.</summary>
    private static async Task PumpStdinAsync(HijackContext context, IContainerAttachment attachment, bool stdin, CancellationToken cancellationToken)
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
                if (stdin)
                {
                    foreach (var segment in buffer)
                    {
                        await attachment.WriteStdinAsync(segment, cancellationToken);
                    }
                }
                context.Input.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    if (stdin)
                    {
                        await attachment.CompleteStdinAsync();
                    }
                    return;
                }
            }
        }
        catch (Exception)
        {
            // Attach ended, connection reset, or a stdin write failed: output keeps streaming
            // until the container's output ends, as Docker does.
        }
    }
}
