using System.Text.Json;
using Engine.Core.Interop;
using Native = Engine.Core.Interop.Interop;

namespace Engine.Core.Runtime;

/// <summary>The engine's end of the control socket to one init (SOCK_SEQPACKET: one JSON message per packet). See README.md.</summary>
internal sealed class InitChannel : IDisposable
{
    private readonly SafeFdHandle _socket;
    private readonly EpollLoop.FdRegistration _registration;
    private readonly byte[] _buffer = new byte[64 * 1024];

    public InitChannel(EpollLoop loop, SafeFdHandle socket)
    {
        Native.SetNonBlocking(socket);
        _socket = socket;
        _registration = loop.Register(socket);
    }

    public Task SendSpecAsync(InitSpec spec, CancellationToken cancellationToken)
        => SendAsync(JsonSerializer.SerializeToUtf8Bytes(spec, InitJsonContext.Default.InitSpec), cancellationToken);

    public Task SendAsync(InitMessage message, CancellationToken cancellationToken)
        => SendAsync(JsonSerializer.SerializeToUtf8Bytes(message, InitJsonContext.Default.InitMessage), cancellationToken);

    private async Task SendAsync(byte[] data, CancellationToken cancellationToken)
    {
        while (!Native.SendMessage(_socket, data))
        {
            await _registration.WaitAsync(Native.EPOLLOUT, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The next message and the descriptor that came with it; (null, null) at EOF.</summary>
    public async Task<(InitMessage? Message, SafeFdHandle? Fd)> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            int n = Native.ReceiveMessage(_socket, _buffer, out var fd);
            if (n == 0 && fd is null)
            {
                return (null, null);
            }
            if (n > 0 || fd is not null)
            {
                try
                {
                    var message = JsonSerializer.Deserialize(_buffer.AsSpan(0, Math.Max(n, 0)), InitJsonContext.Default.InitMessage)
                        ?? throw new InvalidDataException("empty message from engine-init");
                    return (message, fd);
                }
                catch
                {
                    fd?.Dispose();
                    throw;
                }
            }
            await _registration.WaitAsync(Native.EPOLLIN, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _registration.Dispose();
        _socket.Dispose();
    }
}
