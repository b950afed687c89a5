// Shared by the engine (Engine.Core) and the init (Engine.Core/Init links this file). BCL only.
using System.Text.Json.Serialization;

namespace Engine.Core.Runtime;

/// <summary>
/// The init's whole job, sent once as the first message on the control socket (fd 3, SOCK_SEQPACKET).
/// See Runtime/README.md for the message sequence.
/// </summary>
internal sealed class InitSpec
{
    /// <summary>"container": set up the root file system, then run the process. "exec": only run the process (already inside the namespaces).</summary>
    public string Mode { get; set; } = "container";

    /// <summary>Host path of the prepared (mounted) root file system. Container mode only.</summary>
    public string RootFs { get; set; } = "";
    public bool ReadonlyRootFs { get; set; }
    public string Hostname { get; set; } = "";
    public string Domainname { get; set; } = "";

    /// <summary>Lifts Docker's restrictions: /sys read-write, all host devices, no masked or read-only paths, all capabilities.</summary>
    public bool Privileged { get; set; }

    /// <summary>Mounts after the standard ones (/proc, /sys, /dev, /dev/pts, /dev/shm, /dev/mqueue), in order: binds of /etc/hosts, /etc/hostname, /etc/resolv.conf, volumes.</summary>
    public List<InitMount> Mounts { get; set; } = [];

    /// <summary>Capability names (CAP_CHOWN...) that the process keeps: bounding, permitted, effective, inheritable.</summary>
    public List<string> Capabilities { get; set; } = [];

    public List<InitRlimit> Rlimits { get; set; } = [];

    public InitProcess Process { get; set; } = new();

    /// <summary>
    /// Exec mode: the container's mount namespace (e.g. "/proc/PID/ns/mnt", opened in the engine's mount namespace)
    /// that the init joins itself, with unshare(CLONE_FS) + setns, before anything else. Needed because the init is a
    /// dynamically linked host binary: spawned after a setns into the container's mount namespace, neither its path nor
    /// its ELF interpreter (ld-linux, libc) would be found there. Empty: the init is already in that namespace.
    /// </summary>
    public string MountNamespace { get; set; } = "";
}

internal sealed class InitProcess
{
    public List<string> Args { get; set; } = [];
    public List<string> Env { get; set; } = [];
    public string Cwd { get; set; } = "/";
    /// <summary>Docker's User string, resolved by the init in the container's /etc/passwd and /etc/group.</summary>
    public string User { get; set; } = "";
    public bool Tty { get; set; }
    public ushort TtyRows { get; set; }
    public ushort TtyColumns { get; set; }
}

internal sealed class InitMount
{
    public string Source { get; set; } = "";
    /// <summary>Absolute path inside the container.</summary>
    public string Target { get; set; } = "";
    /// <summary>"bind" or a file system type (tmpfs...).</summary>
    public string Type { get; set; } = "bind";
    /// <summary>"ro", "rw", "rbind", "nosuid", "nodev", "noexec", "private", "rprivate", "slave", and data options such as "mode=755".</summary>
    public List<string> Options { get; set; } = [];
}

internal sealed class InitRlimit
{
    /// <summary>"nofile", "nproc", ... (Docker's ulimit names).</summary>
    public string Name { get; set; } = "";
    public ulong Soft { get; set; }
    public ulong Hard { get; set; }
}

/// <summary>A message on the control socket after the spec, in either direction.</summary>
internal sealed class InitMessage
{
    /// <summary>
    /// init to engine: "pty" (the pty master travels as SCM_RIGHTS with this message), "ready" (set up, waiting for go),
    /// "error" (Message says why; the init then exits). engine to init: "go".
    /// </summary>
    public string Type { get; set; } = "";
    public string? Message { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InitSpec))]
[JsonSerializable(typeof(InitMessage))]
internal sealed partial class InitJsonContext : JsonSerializerContext
{
}
