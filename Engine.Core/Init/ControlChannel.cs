using System.Text.Json;
using Engine.Core.Runtime;
using Engine.Init.Interop;

namespace Engine.Init;

/// <summary>The control socket (fd 3, SOCK_SEQPACKET): one JSON message per packet. See Runtime/README.md.</summary>
internal sealed class ControlChannel
{
    public const int Fd = 3;

    public ControlChannel()
    {
        // A successful execve must close it, so the engine sees EOF.
        Sys.SetCloseOnExec(Fd);
    }

    public InitSpec ReadSpec()
    {
        var packet = Sys.ReceivePacket(Fd) ?? throw new InitException("engine-init: control socket closed before the spec");
        return JsonSerializer.Deserialize(packet, InitJsonContext.Default.InitSpec)
            ?? throw new InitException("engine-init: empty spec");
    }

    public void Send(string type, string? message = null, SafeFd? passFd = null)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new InitMessage { Type = type, Message = message }, InitJsonContext.Default.InitMessage);
        Sys.SendPacket(Fd, bytes, passFd);
    }

    /// <summary>Blocks until the engine says "go"; false when it closed the socket instead.</summary>
    public bool WaitForGo()
    {
        while (true)
        {
            var packet = Sys.ReceivePacket(Fd);
            if (packet is null)
            {
                return false;
            }
            var message = JsonSerializer.Deserialize(packet, InitJsonContext.Default.InitMessage);
            if (message?.Type == "go")
            {
                return true;
            }
        }
    }
}
