using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Engine.Http.Hijack;

/// <summary>
/// The connection as Kestrel's HTTP layer sees it behind the hijack middleware: input is what the
/// middleware forwards, output is the real transport (minus Complete, which the middleware does
/// itself), ConnectionClosed fires when the middleware says the client went away, and Abort
/// reaches the socket only until the connection is detached for a hijack. After that Kestrel has
/// ended its work on the connection and late timeouts or aborts from it must not cut the stream.
/// </summary>
internal sealed class KestrelSideConnection : ConnectionContext
{
    private readonly ConnectionContext _inner;
    private readonly CancellationTokenSource _closed = new();
    private volatile bool _detached;

    public KestrelSideConnection(ConnectionContext inner, PipeReader input)
    {
        _inner = inner;
        Transport = new DuplexPipe(input, new NonCompletingPipeWriter(inner.Transport.Output));
    }

    public override string ConnectionId { get => _inner.ConnectionId; set => _inner.ConnectionId = value; }
    public override IFeatureCollection Features => _inner.Features;
    public override IDictionary<object, object?> Items { get => _inner.Items; set => _inner.Items = value; }
    public override IDuplexPipe Transport { get; set; }
    public override CancellationToken ConnectionClosed { get => _closed.Token; set { } }
    public override EndPoint? LocalEndPoint { get => _inner.LocalEndPoint; set { } }
    public override EndPoint? RemoteEndPoint { get => _inner.RemoteEndPoint; set { } }

    /// <summary>From now on Kestrel no longer controls the socket.</summary>
    public void Detach() => _detached = true;

    /// <summary>The client closed its side (or the connection failed) while Kestrel owns it.</summary>
    public void SignalClosed()
    {
        if (!_detached)
        {
            // Queued: the connection may be disposed before this runs, and an exception here would end the process.
            ThreadPool.UnsafeQueueUserWorkItem(static cts =>
            {
                try
                {
                    cts.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // Kestrel is done with the connection already: nobody listens any more.
                }
            }, _closed, preferLocal: false);
        }
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        if (!_detached)
        {
            _inner.Abort(abortReason);
        }
    }

    public override ValueTask DisposeAsync()
    {
        _closed.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    /// <summary>Passes writes and flushes through; Complete only stops further writes from Kestrel.</summary>
    private sealed class NonCompletingPipeWriter(PipeWriter inner) : PipeWriter
    {
        public override void Advance(int bytes) => inner.Advance(bytes);
        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);
        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);
        public override void CancelPendingFlush() => inner.CancelPendingFlush();
        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;
        public override long UnflushedBytes => inner.UnflushedBytes;

        public override void Complete(Exception? exception = null)
        {
            // The middleware completes the real output when the connection ends.
        }

        public override ValueTask CompleteAsync(Exception? exception = null) => ValueTask.CompletedTask;
    }
}
