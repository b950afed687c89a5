using Microsoft.Extensions.Logging;

namespace Engine.Core.Networking;

public sealed partial class BridgeNetwork
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Bridge {Bridge} created with {Cidr}")]
    private partial void LogBridgeCreated(string bridge, string cidr);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Bridge {Bridge} exists; using it (made by this engine: {Owned})")]
    private partial void LogBridgeReused(string bridge, bool owned);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Bridge {Bridge} and its rules removed")]
    private partial void LogBridgeRemoved(string bridge);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Bridge {Bridge}: iptables not found; containers get no NAT to outside the host")]
    private partial void LogNoIptables(string bridge);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Bridge {Bridge}: enabling forwarding or NAT failed")]
    private partial void LogEgressFailed(string bridge, Exception exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Container {ContainerId}: address {Address}, {PortCount} port(s)")]
    private partial void LogAllocated(string containerId, string address, int portCount);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "Container {ContainerId}: veth {Veth} attached, eth0 {Address} in the namespace of pid {Pid}")]
    private partial void LogAttached(string containerId, string veth, string address, int pid);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Container {ContainerId}: wiring veth {Veth} failed")]
    private partial void LogAttachFailed(string containerId, string veth, Exception exception);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Debug, Message = "Container {ContainerId}: veth {Veth} removed, address {Address} freed")]
    private partial void LogReleased(string containerId, string veth, string address);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Deleting veth {Veth} failed")]
    private partial void LogVethDeleteFailed(string veth, Exception exception);
}
