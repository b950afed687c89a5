namespace Engine.Storage.Images;

/// <summary>
/// Docker's container configuration (runconfig.Config): what a container runs. Images carry one as
/// their default (Config) and the one of the container they were committed from (ContainerConfig).
/// Property names are Docker's.
/// </summary>
public sealed class ContainerConfig
{
    public string Hostname { get; set; } = "";
    public string Domainname { get; set; } = "";
    public string User { get; set; } = "";
    public bool AttachStdin { get; set; }
    public bool AttachStdout { get; set; }
    public bool AttachStderr { get; set; }
    public Dictionary<string, EmptyObject>? ExposedPorts { get; set; }
    public bool Tty { get; set; }
    public bool OpenStdin { get; set; }
    public bool StdinOnce { get; set; }
    public List<string>? Env { get; set; }
    public List<string>? Cmd { get; set; }
    public string Image { get; set; } = "";
    public Dictionary<string, EmptyObject>? Volumes { get; set; }
    public string WorkingDir { get; set; } = "";
    public List<string>? Entrypoint { get; set; }
    public bool NetworkDisabled { get; set; }
    public string MacAddress { get; set; } = "";
    public List<string>? OnBuild { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
    public string? StopSignal { get; set; }

    public ContainerConfig Clone()
    {
        var c = (ContainerConfig)MemberwiseClone();
        c.ExposedPorts = ExposedPorts is null ? null : new(ExposedPorts);
        c.Env = Env is null ? null : [.. Env];
        c.Cmd = Cmd is null ? null : [.. Cmd];
        c.Volumes = Volumes is null ? null : new(Volumes);
        c.Entrypoint = Entrypoint is null ? null : [.. Entrypoint];
        c.OnBuild = OnBuild is null ? null : [.. OnBuild];
        c.Labels = Labels is null ? null : new(Labels);
        return c;
    }
}

/// <summary>The <c>{}</c> value of Docker's set-like maps (ExposedPorts, Volumes).</summary>
public sealed class EmptyObject
{
    public static readonly EmptyObject Instance = new();
}
