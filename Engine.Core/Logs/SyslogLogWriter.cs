using System.Net.Sockets;
using System.Text;
using Engine.Storage.Errors;

namespace Engine.Core.Logs;

/// <summary>
/// The syslog driver: each line goes to the local syslog socket (/dev/log) as an RFC 3164 message of facility
/// daemon, severity info for stdout and err for stderr, tagged docker/&lt;id12&gt; as Docker 1.7 tagged it.
/// </summary>
internal sealed class SyslogLogWriter : IContainerLogWriter
{
    private const string SocketPath = "/dev/log";

    private readonly Socket _socket;
    private readonly string _tag;
    private readonly LogNotifier _notifier;
    private readonly Lock _gate = new();
    private readonly StringBuilder _partialOut = new();
    private readonly StringBuilder _partialErr = new();

    private SyslogLogWriter(Socket socket, string tag, LogNotifier notifier)
    {
        _socket = socket;
        _tag = tag;
        _notifier = notifier;
    }

    public static SyslogLogWriter Open(string containerId, LogNotifier notifier)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new EngineException(ErrorKind.Internal, $"Failed to initialize logging driver: Unix syslog delivery error: {e.Message}", e);
        }
        return new SyslogLogWriter(socket, "docker/" + containerId[..12], notifier);
    }

    public void Write(bool stderr, ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            var partial = stderr ? _partialErr : _partialOut;
            partial.Append(Encoding.UTF8.GetString(data));
            var text = partial.ToString();
            var last = text.LastIndexOf('\n');
            if (last < 0)
            {
                return;
            }
            foreach (var line in text[..last].Split('\n'))
            {
                Send(stderr, line);
            }
            partial.Clear().Append(text[(last + 1)..]);
        }
    }

    private void Send(bool stderr, string line)
    {
        var priority = 3 * 8 + (stderr ? 3 : 6);
        var stamp = DateTime.Now.ToString("MMM d HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture).PadLeft(15);
        var message = $"<{priority}>{stamp} {_tag}[{Environment.ProcessId}]: {line}";
        try
        {
            _socket.Send(Encoding.UTF8.GetBytes(message));
        }
        catch (SocketException)
        {
            // The syslog daemon went away: like Docker, the container keeps running.
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_partialOut.Length > 0)
            {
                Send(false, _partialOut.ToString());
            }
            if (_partialErr.Length > 0)
            {
                Send(true, _partialErr.ToString());
            }
        }
        _socket.Dispose();
        _notifier.Close();
    }
}
