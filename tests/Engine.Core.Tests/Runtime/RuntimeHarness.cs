using System.Text;
using Engine.Core.Runtime;
using Engine.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Engine.Core.Tests.Runtime;

/// <summary>
/// One test's runtime: a busybox root file system in a temporary directory, a unique cgroup parent, and
/// the processes it started; DisposeAsync kills and reaps them, removes the cgroups (asserting they are
/// gone) and deletes the directories.
/// </summary>
internal sealed class RuntimeHarness : IAsyncDisposable
{
    private readonly List<IContainerProcess> _processes = [];
    private readonly List<string> _ids = [];
    private readonly string _execRoot;

    public RuntimeHarness()
    {
        RootFs = TestPaths.NewTempDir("rootfs");
        _execRoot = TestPaths.NewTempDir("exec");
        Busybox.CreateRootFs(RootFs);
        CgroupParent = "engine-test-" + Guid.NewGuid().ToString("N")[..8];
        Runtime = new LinuxContainerRuntime(
            Options.Create(new EngineOptions { ExecRoot = _execRoot, CgroupParent = CgroupParent }),
            NullLogger<LinuxContainerRuntime>.Instance);
    }

    public LinuxContainerRuntime Runtime { get; }
    public string RootFs { get; }
    public string CgroupParent { get; }

    public static string NewId() => (Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"))[..64];

    public ContainerRuntimeSpec Spec(string id, ProcessSpec process, string network = "none", string hostname = "")
        => new() { Id = id, RootFs = RootFs, Process = process, NetworkMode = network, Hostname = hostname };

    public static ProcessSpec Command(params string[] args) => new() { Args = args };

    public async Task<IContainerProcess> StartAsync(ContainerRuntimeSpec spec)
    {
        _ids.Add(spec.Id);
        var process = await Runtime.StartAsync(spec);
        _processes.Add(process);
        return process;
    }

    public async Task<IContainerProcess> ExecAsync(IContainerProcess container, ProcessSpec process)
    {
        var exec = await Runtime.ExecAsync(container, process);
        _processes.Add(exec);
        return exec;
    }

    /// <summary>Runs a container to its end: (stdout, stderr, exit code).</summary>
    public async Task<(string Stdout, string Stderr, int ExitCode)> RunAsync(ContainerRuntimeSpec spec)
    {
        var process = await StartAsync(spec);
        return await CollectAsync(process);
    }

    public static async Task<(string Stdout, string Stderr, int ExitCode)> CollectAsync(IContainerProcess process)
    {
        var stdout = ReadAllAsync(process.Stdout);
        var stderr = process.Stderr is null ? Task.FromResult("") : ReadAllAsync(process.Stderr);
        int code = await process.Exited;
        return (await stdout, await stderr, code);
    }

    public static async Task<string> ReadAllAsync(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        return await reader.ReadToEndAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
        foreach (var id in _ids)
        {
            await Runtime.CleanupAsync(id);
            Assert.False(Runtime.Cgroups.Exists(CgroupParent, id), $"cgroup of {id} left behind");
        }
        foreach (var path in Runtime.Cgroups.Paths(CgroupParent, "x"))
        {
            Assert.False(Directory.Exists(Path.GetDirectoryName(path)), $"cgroup parent {Path.GetDirectoryName(path)} left behind");
        }
        Runtime.Dispose();
        Directory.Delete(RootFs, recursive: true);
        Directory.Delete(_execRoot, recursive: true);
    }
}
