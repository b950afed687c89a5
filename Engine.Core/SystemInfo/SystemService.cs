using System.Reflection;
using Engine.Core.Containers;
using Engine.Core.Events;
using Engine.Storage.Images;
using Microsoft.Extensions.Options;

namespace Engine.Core.SystemInfo;

/// <summary>/version and /info: what the engine and its host are.</summary>
public sealed class SystemService(ContainerManager containers, IImageStore images, IEventService events, IOptions<EngineOptions> options, TimeProvider time) : ISystemService
{
    /// <summary>The Docker version this engine's API behaviour follows.</summary>
    public const string DockerVersion = "1.7.1";

    private static readonly string EngineCommit = typeof(SystemService).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private readonly string _id = LoadOrCreateId(options.Value.DataRoot);

    public EngineVersion Version() => new()
    {
        Version = DockerVersion,
        ApiVersion = "1.19",
        GitCommit = EngineCommit.Length > 7 && EngineCommit.Contains('+') ? EngineCommit[(EngineCommit.IndexOf('+') + 1)..] : EngineCommit,
        GoVersion = $".NET {Environment.Version}",
        Os = "linux",
        Arch = "amd64",
        KernelVersion = KernelRelease(),
        BuildTime = File.GetLastWriteTimeUtc(typeof(SystemService).Assembly.Location),
    };

    public Task<EngineInfo> InfoAsync(CancellationToken cancellationToken = default)
    {
        var opts = options.Value;
        var info = new EngineInfo
        {
            ID = _id,
            Containers = containers.Count(_ => true),
            ContainersRunning = containers.Count(s => s is "running" or "restarting"),
            ContainersPaused = containers.Count(s => s == "paused"),
            ContainersStopped = containers.Count(s => s is "exited" or "created" or "dead"),
            Images = images.List().Count,
            Driver = opts.StorageDriver ?? "overlay",
            KernelVersion = KernelRelease(),
            OperatingSystem = OperatingSystemName(),
            NCPU = Environment.ProcessorCount,
            MemTotal = MemTotal(),
            Name = Environment.MachineName,
            DockerRootDir = opts.DataRoot,
            ServerVersion = DockerVersion,
            Debug = opts.Debug,
            NFd = Directory.Exists("/proc/self/fd") ? Directory.GetFiles("/proc/self/fd").Length : 0,
            NGoroutines = System.Diagnostics.Process.GetCurrentProcess().Threads.Count,
            NEventsListener = events is EventService es ? es.SubscriberCount : 0,
            MemoryLimit = true,
            SwapLimit = File.Exists("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"),
            CpuCfsPeriod = true,
            CpuCfsQuota = true,
            IPv4Forwarding = File.Exists("/proc/sys/net/ipv4/ip_forward") && File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim() == "1",
            OomKillDisable = true,
            CgroupVersion = File.Exists("/sys/fs/cgroup/cgroup.controllers") ? "2" : "1",
            InitPath = opts.InitPath ?? Path.Combine(AppContext.BaseDirectory, "engine-init"),
            SystemTime = time.GetUtcNow(),
        };
        return Task.FromResult(info);
    }

    private static string KernelRelease() => File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "";

    private static string OperatingSystemName()
    {
        if (File.Exists("/etc/os-release"))
        {
            foreach (var line in File.ReadLines("/etc/os-release"))
            {
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                {
                    return line["PRETTY_NAME=".Length..].Trim('"');
                }
            }
        }
        return "Linux";
    }

    private static long MemTotal()
    {
        if (File.Exists("/proc/meminfo"))
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        return 0;
    }

    /// <summary>A stable engine id kept in the data root (Docker shows a key id here).</summary>
    private static string LoadOrCreateId(string dataRoot)
    {
        var path = Path.Combine(dataRoot, "engine-id");
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }
        Directory.CreateDirectory(dataRoot);
        var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(24);
        var id = string.Join(':', Enumerable.Range(0, 12).Select(i => Convert.ToBase64String(bytes, i * 2, 2).ToUpperInvariant()[..4].Replace('/', 'A').Replace('+', 'B')));
        Persistence.AtomicFile.WriteAllText(path, id);
        return id;
    }
}
