using Engine.Core.Containers;

namespace Engine.Core.Networking;

/// <summary>
/// A container's place on the bridge for one run, saved in its record (config.json) while it runs: inspect and list
/// read it, and the engine finds the host veth to delete from it. Cleared when the run ends.
/// </summary>
internal sealed class EndpointState
{
    public string Bridge { get; set; } = "";
    public string NetworkId { get; set; } = "";
    public string EndpointId { get; set; } = "";
    public string IPAddress { get; set; } = "";
    public int IPPrefixLen { get; set; }
    public string Gateway { get; set; } = "";
    public string MacAddress { get; set; } = "";

    /// <summary>Host end of the veth pair ("veth" + 7 hex); the container's end is eth0.</summary>
    public string HostVeth { get; set; } = "";

    /// <summary>Docker's NetworkSettings.Ports: every exposed or published port, with its bindings (null: not published).</summary>
    public Dictionary<string, List<PortBinding>?> Ports { get; set; } = [];
}
