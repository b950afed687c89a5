using Engine.Storage.Images;

namespace Engine.Core.Containers;

/// <summary>What the engine persists about a container (containers/&lt;id&gt;/config.json).</summary>
internal sealed class ContainerRecord
{
    public string Id { get; set; } = "";
    /// <summary>Without the leading '/'.</summary>
    public string Name { get; set; } = "";
    public DateTimeOffset Created { get; set; }
    public string Path { get; set; } = "";
    public List<string> Args { get; set; } = [];
    public ContainerConfig Config { get; set; } = new();
    public HostConfig HostConfig { get; set; } = new();
    /// <summary>"sha256:..." id of the image.</summary>
    public string ImageId { get; set; } = "";
    public string Driver { get; set; } = "";
    public PersistedState State { get; set; } = new();
    public int RestartCount { get; set; }
    public bool HasBeenStarted { get; set; }

    /// <summary>Volumes by path inside the container (binds, volumes-from, engine-made).</summary>
    public Dictionary<string, VolumeRecord> Volumes { get; set; } = [];

    /// <summary>The bridge endpoint of the current run (null when not running or not on the bridge).</summary>
    public Networking.EndpointState? Network { get; set; }
}

internal sealed class PersistedState
{
    public bool Running { get; set; }
    public bool Paused { get; set; }
    public bool Restarting { get; set; }
    public bool OOMKilled { get; set; }
    public bool Dead { get; set; }
    public int Pid { get; set; }
    public int ExitCode { get; set; }
    public string Error { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset FinishedAt { get; set; }
}
