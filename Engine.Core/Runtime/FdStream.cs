using Engine.Core.Interop;
using Native = Engine.Core.Interop.Interop;

namespace Engine.Core.Runtime;

/// <summary>
/// A Stream over one non-blocking descriptor (pipe end or pty master): reads and writes that would block
/// await readiness from the runtime's epoll loop, so no thread ever blocks. Reads return 0 at EOF
/// (for a pty master, EIO once the slave side is closed).
/// </summary>
internal sealed class FdStream : Stream
{
    private readonly SafeFdHandle _fd;
    private readonly EpollLoop.FdRegistration _registration;
    private readonly bool _canRead;
    private readonly bool _isPty;
    private int _disposed;

    public FdStream(EpollLoop loop, SafeFdHandle fd, bool canRead, bool isPty)
    {
        Native.SetNonBlocking(fd);
        _fd = fd;
        _canRead = canRead;
        _isPty = isPty;
        _registration = loop.Register(fd);
    }

    internal SafeFdHandle Handle => _fd;

    public override bool CanRead => _canRead && _disposed == 0;
    public override bool CanWrite => !_canRead && _disposed == 0;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_canRead)
        {
            throw new NotSupportedException("The stream is write-only.");
        }
        if (buffer.IsEmpty)
        {
            return 0;
        }
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            int n = Native.Read(_fd, buffer.Span);
            if (n >= 0)
            {
                return n;
            }
            if (n == -Native.EIO)
            {
                if (_isPty)
                {
                    return 0;
                }
                throw new SyscallException(Native.EIO, "read");
            }
            await _registration.WaitAsync(Native.EPOLLIN, cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_canRead)
        {
            throw new NotSupportedException("The stream is read-only.");
        }
        while (!buffer.IsEmpty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            int n = Native.Write(_fd, buffer.Span);
            if (n >= 0)
            {
                buffer = buffer[n..];
                continue;
            }
            await _registration.WaitAsync(Native.EPOLLOUT, cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override int Read(Span<byte> buffer)
    {
        byte[] temp = new byte[buffer.Length];
        int n = Read(temp, 0, temp.Length);
        temp.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
        => base.CopyToAsync(destination, Math.Max(bufferSize, 65536), cancellationToken);

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _registration.Dispose();
            _fd.Dispose();
        }
        base.Dispose(disposing);
    }
}
