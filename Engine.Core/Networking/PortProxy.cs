using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Engine.Storage.Errors;

namespace Engine.Core.Networking;

/// <summary>
/// The userland proxy of one published port (Docker's docker-proxy, in process): listens on HostIp:HostPort and
/// forwards every TCP connection (or UDP flow) to the container's address. Bound before the container starts so a
/// port in use fails the start; disposed when the run ends (open connections are closed).
/// </summary>
internal sealed class PortProxy : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _cts = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly ConcurrentDictionary<IPEndPoint, Socket> _udpFlows = new();
    private Task _loop = Task.CompletedTask;

    private PortProxy(Socket socket, string proto, IPEndPoint target)
    {
        _socket = socket;
        Proto = proto;
        _target = target;
        HostEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public string Proto { get; }
    public IPEndPoint HostEndPoint { get; }

    /// <summary>Binds HostIp:HostPort (port 0: the kernel picks one from the ephemeral range). Docker's errors when it cannot.</summary>
    public static PortProxy Bind(IPAddress hostIp, int hostPort, string proto, IPEndPoint target)
    {
        var tcp = proto == "tcp";
        var socket = new Socket(AddressFamily.InterNetwork, tcp ? SocketType.Stream : SocketType.Dgram, tcp ? ProtocolType.Tcp : ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(hostIp, hostPort));
            if (tcp)
            {
                socket.Listen(512);
            }
        }
        catch (SocketException e)
        {
            socket.Dispose();
            if (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                throw new EngineException(ErrorKind.Internal, $"Bind for {hostIp}:{hostPort} failed: port is already allocated");
            }
            throw new EngineException(ErrorKind.Internal, $"Error starting userland proxy: listen {proto} {hostIp}:{hostPort}: bind: {e.Message}");
        }
        return new PortProxy(socket, proto, target);
    }

    public void Start() => _loop = Proto == "tcp" ? AcceptLoopAsync(_cts.Token) : UdpLoopAsync(_cts.Token);

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = ForwardAsync(client, cancellationToken);
        }
    }

    private async Task ForwardAsync(Socket client, CancellationToken cancellationToken)
    {
        var backend = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _open[client] = 0;
        _open[backend] = 0;
        try
        {
            client.NoDelay = true;
            backend.NoDelay = true;
            await backend.ConnectAsync(_target, cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(CopyAsync(client, backend, cancellationToken), CopyAsync(backend, client, cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The container is gone or refused: the client sees the connection close.
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(backend, out _);
            client.Dispose();
            backend.Dispose();
        }
    }

    /// <summary>Copies until EOF, then half-closes the other side so request/response protocols see the end.</summary>
    private static async Task CopyAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            try
            {
                to.Shutdown(SocketShutdown.Both);
            }
            catch (Exception inner) when (inner is SocketException or ObjectDisposedException)
            {
                // Already gone.
            }
        }
    }

    private async Task UdpLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var from = (IPEndPoint)received.RemoteEndPoint;
            if (!_udpFlows.TryGetValue(from, out var flow))
            {
                flow = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                flow.Connect(_target);
                _udpFlows[from] = flow;
                _ = UdpRepliesAsync(flow, from, cancellationToken);
            }
            try
            {
                await flow.SendAsync(buffer.AsMemory(0, received.ReceivedBytes), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                // Nothing listens in the container (ICMP unreachable): the datagram is lost, as with docker-proxy.
            }
        }
    }

    private async Task UdpRepliesAsync(Socket flow, IPEndPoint client, CancellationToken cancellationToken)
    {
        var buffer = new byte[65536];
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                int n = await flow.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                await _socket.SendToAsync(buffer.AsMemory(0, n), SocketFlags.None, client, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                // An earlier datagram found no listener; keep the flow.
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        foreach (var s in _open.Keys)
        {
            s.Dispose();
        }
        foreach (var s in _udpFlows.Values)
        {
            s.Dispose();
        }
        await _loop.ConfigureAwait(false);
        _cts.Dispose();
    }
}
