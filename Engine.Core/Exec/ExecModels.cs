using Engine.Core.Containers;

namespace Engine.Core.Exec;

/// <summary>What POST /containers/(id)/exec asks for.</summary>
public sealed class ExecConfig
{
    public bool AttachStdin { get; init; }
    public bool AttachStdout { get; init; }
    public bool AttachStderr { get; init; }
    public bool Tty { get; init; }
    /// <summary>argv; Cmd[0] is looked up in the container's PATH.</summary>
    public IReadOnlyList<string> Cmd { get; init; } = [];
    /// <summary>Docker's user string; empty: the container's user.</summary>
    public string User { get; init; } = "";
    public bool Privileged { get; init; }
}

/// <summary>The process of an exec as inspect shows it.</summary>
public sealed class ExecProcessConfig
{
    public bool Privileged { get; init; }
    public string User { get; init; } = "";
    public bool Tty { get; init; }
    public string Entrypoint { get; init; } = "";
    public IReadOnlyList<string> Arguments { get; init; } = [];
}

/// <summary>Observed state of an exec (GET /exec/(id)/json).</summary>
public sealed class ExecDetails
{
    public required string Id { get; init; }
    public bool Running { get; init; }
    /// <summary>Null until the exec has ended.</summary>
    public int? ExitCode { get; init; }
    public required ExecProcessConfig ProcessConfig { get; init; }
    public bool OpenStdin { get; init; }
    public bool OpenStdout { get; init; }
    public bool OpenStderr { get; init; }
    public required string ContainerId { get; init; }
    /// <summary>The container's inspect at the time of this call.</summary>
    public required ContainerDetails Container { get; init; }
    /// <summary>Host pid while running, else 0.</summary>
    public int Pid { get; init; }
}
