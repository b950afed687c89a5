using System.Collections.Concurrent;
using Engine.Core.Interop;
using Engine.Core.Runtime.Cgroups;
using Engine.Storage.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Native = Engine.Core.Interop.Interop;

namespace Engine.Core.Runtime;

/// <summary>
/// The Linux runtime: namespaces from a dedicated thread, posix_spawn of engine-init, cgroups, and one epoll
/// thread for every exit and every stdio descriptor. See README.md for the protocol with the init.
/// </summary>
public sealed partial class LinuxContainerRuntime : IContainerRuntime, IDisposable
{
    private const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private readonly EngineOptions _options;
    private readonly ILogger<LinuxContainerRuntime> _logger;
    private readonly Lazy<EpollLoop> _loop;
    private readonly ConcurrentDictionary<string, string> _cgroupParents = new(StringComparer.Ordinal);
    private readonly int _lastCap = Capabilities.KernelLastCap();

    public LinuxContainerRuntime(IOptions<EngineOptions> options, ILogger<LinuxContainerRuntime> logger)
        : this(options, logger, CgroupManagerFactory.Create())
    {
    }

    /// <summary>With a given cgroup manager (tests, or hosts with their own cgroup layout).</summary>
    public LinuxContainerRuntime(IOptions<EngineOptions> options, ILogger<LinuxContainerRuntime> logger, ICgroupManager cgroups)
    {
        _options = options.Value;
        _logger = logger;
        Cgroups = cgroups;
        _loop = new Lazy<EpollLoop>(() => new EpollLoop(logger), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The cgroup manager in use (v1 or v2, by what the host mounts).</summary>
    public ICgroupManager Cgroups { get; }

    /// <summary>The init executable that is spawned.</summary>
    public string InitPath => _options.InitPath
        ?? Path.Combine(Path.GetDirectoryName(typeof(LinuxContainerRuntime).Assembly.Location) ?? AppContext.BaseDirectory, "engine-init");

    /// <summary>The cgroup parent a container was started with (the default when unknown to this runtime).</summary>
    public string CgroupParentOf(string containerId) => _cgroupParents.TryGetValue(containerId, out var p) ? p : _options.CgroupParent;

    /// <summary>Pause or unpause: freezes or thaws every process of the container (freezer v1, cgroup.freeze v2).</summary>
    public void SetFrozen(string containerId, bool frozen) => Cgroups.SetFrozen(CgroupParentOf(containerId), containerId, frozen);

    public async Task SetFrozenAsync(string containerId, bool frozen, CancellationToken cancellationToken = default)
    {
        string parent = CgroupParentOf(containerId);
        Cgroups.SetFrozen(parent, containerId, frozen);
        // v1 goes through FREEZING (and a task in uninterruptible sleep can hold it there): poll as runc does,
        // re-asking the freezer, for up to 10 s.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Cgroups.IsFrozen(parent, containerId) != frozen)
        {
            if (DateTime.UtcNow > deadline)
            {
                if (frozen)
                {
                    Cgroups.SetFrozen(parent, containerId, false);
                }
                throw new EngineException(ErrorKind.Internal, $"cgroup of container {containerId} did not become {(frozen ? "frozen" : "thawed")}");
            }
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
            Cgroups.SetFrozen(parent, containerId, frozen);
        }
        Log.Frozen(_logger, containerId, frozen);
    }

    public IReadOnlyList<int> ListPids(string containerId) => Cgroups.Pids(CgroupParentOf(containerId), containerId);

    public CgroupStats ReadStats(string containerId) => Cgroups.ReadStats(CgroupParentOf(containerId), containerId);

    public async Task CleanupAsync(string containerId, CancellationToken cancellationToken = default)
    {
        string parent = CgroupParentOf(containerId);
        await Cgroups.RemoveAsync(parent, containerId, cancellationToken).ConfigureAwait(false);
        _cgroupParents.TryRemove(containerId, out _);
        Log.CgroupRemoved(_logger, containerId);
    }

    public void Dispose()
    {
        if (_loop.IsValueCreated)
        {
            _loop.Value.Dispose();
        }
    }

    private string CheckInit()
    {
        string path = InitPath;
        if (!File.Exists(path))
        {
            throw new EngineException(ErrorKind.Internal, $"engine-init not found at {path}");
        }
        return path;
    }


    private static List<string> Environment(ProcessSpec process)
    {
        var env = process.Env.ToList();
        if (!env.Any(e => e.StartsWith("PATH=", StringComparison.Ordinal)))
        {
            env.Add(DefaultPath);
        }
        if (process.Tty && !env.Any(e => e.StartsWith("TERM=", StringComparison.Ordinal)))
        {
            env.Add("TERM=xterm");
        }
        return env;
    }

    private static InitProcess ToInit(ProcessSpec process) => new()
    {
        Args = process.Args.ToList(),
        Env = Environment(process),
        Cwd = string.IsNullOrEmpty(process.WorkingDir) ? "/" : process.WorkingDir,
        User = process.User,
        Tty = process.Tty,
        TtyRows = process.TtyHeight,
        TtyColumns = process.TtyWidth,
    };

    /// <summary>Maps the init's error text to Docker's kind of error.</summary>
    private static EngineException InitError(string message)
    {
        if (message.Contains("executable file not found", StringComparison.Ordinal)
            || message.Contains("no such file or directory", StringComparison.OrdinalIgnoreCase))
        {
            return new EngineException(ErrorKind.NotFound, message);
        }
        if (message.Contains("unable to find user", StringComparison.Ordinal)
            || message.Contains("unable to find group", StringComparison.Ordinal))
        {
            return new EngineException(ErrorKind.InvalidParameter, message);
        }
        return new EngineException(ErrorKind.Internal, message);
    }
}
