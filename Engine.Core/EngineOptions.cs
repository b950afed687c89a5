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
}
