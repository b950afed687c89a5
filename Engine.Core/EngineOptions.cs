namespace Engine.Core;

/// <summary>Options of the engine. Validated at start.</summary>
public sealed class EngineOptions
{
    /// <summary>Persistent state: images, layers, containers, logs. Default /var/lib/engine.</summary>
    public string DataRoot { get; set; } = "/var/lib/engine";

    /// <summary>Run-time state: sockets, pid files, mount points that need not survive a reboot. Default /run/engine.</summary>
    public string ExecRoot { get; set; } = "/run/engine";

    /// <summary>Graph driver ("overlay", "vfs"); null picks overlay when the host supports it.</summary>
    public string? StorageDriver { get; set; }

    /// <summary>Cgroup path under each hierarchy for the containers' cgroups. Default "engine".</summary>
    public string CgroupParent { get; set; } = "engine";

    /// <summary>Path of the init executable; null: engine-init beside Engine.Core.dll.</summary>
    public string? InitPath { get; set; }

    /// <summary>Stop running containers when the engine stops (the host does; a library user may not want to).</summary>
    public bool StopContainersOnShutdown { get; set; } = true;

    public bool Debug { get; set; }

    /// <summary>
    /// Linux bridge of the default ("bridge") network: created at start unless one of that name exists, removed at stop
    /// only when the engine created it. "none" disables bridge networking (such containers get only lo). Default "engine0".
    /// </summary>
    public string Bridge { get; set; } = "engine0";

    /// <summary>The bridge's address and subnet as CIDR ("172.29.0.1/16"); null picks 172.29.0.1/16 or another free private /16.</summary>
    public string? BridgeIp { get; set; }

    /// <summary>MTU of the bridge and the containers' eth0; 0 keeps the kernel's default (1500).</summary>
    public int Mtu { get; set; }
}
