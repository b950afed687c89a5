using System.IO.Pipelines;
using Engine.Core.Logs;
using Engine.Core.Runtime;
using Engine.Storage.Errors;

namespace Engine.Core.Containers;

public sealed partial class ContainerManager
{
    public async Task StartAsync(string nameOrId, HostConfig? hostConfig = null, CancellationToken cancellationToken = default)
    {
        var container = _store.Get(nameOrId);
        await container.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (container.Removing)
            {
                throw EngineException.Conflict($"Container {container.Id} is marked for removal and cannot be started.");
            }
            if (container.Process is not null)
            {
                throw EngineException.NotModified("Container already started");
            }
            if (hostConfig is not null)
            {
                ValidateHostConfig(hostConfig);
                container.Record.HostConfig = hostConfig;
            }
            container.ManualStop = false;
            await StartLockedAsync(container, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            container.Lock.Release();
        }
    }

    /// <summary>Starts the container's process. The caller holds the container's lock.</summary>
    private async Task StartLockedAsync(Container container, CancellationToken cancellationToken)
    {
        var record = container.Record;
        DropExecs(container);
        var layer = _layers.GetReadWriteLayer(container.Id);
        var rootFs = await layer.MountAsync(cancellationToken).ConfigureAwait(false);
        IContainerProcess process;
        var notifier = new LogNotifier();
        IContainerLogWriter? log = null;
        try
        {
            // Volumes first: the files Docker provides (/etc/hosts...) stay visible over a volume at /etc.
            var mounts = ContainerVolumes.Prepare(record.Volumes, rootFs);
            mounts.AddRange(ContainerFiles.Write(container));
            var network = await PrepareNetworkAsync(container, mounts).ConfigureAwait(false);
            var (deviceMounts, deviceRules) = ContainerDevices.Resolve(record.HostConfig.Devices);
            mounts.AddRange(deviceMounts);
            var spec = new ContainerRuntimeSpec
            {
                Id = container.Id,
                RootFs = rootFs,
                ReadonlyRootFs = record.HostConfig.ReadonlyRootfs,
                Hostname = record.Config.Hostname,
                Domainname = record.Config.Domainname,
                Mounts = mounts,
                NetworkMode = network.Mode,
                NetworkNamespacePath = network.JoinNamespace,
                IpcNamespace = IpcNamespaceFor(record.HostConfig),
                PidNamespace = record.HostConfig.PidMode == "host" ? "host" : null,
                BeforeExec = network.BeforeExec,
                Privileged = record.HostConfig.Privileged,
                CapAdd = record.HostConfig.CapAdd ?? [],
                CapDrop = record.HostConfig.CapDrop ?? [],
                CgroupParent = string.IsNullOrEmpty(record.HostConfig.CgroupParent) ? null : record.HostConfig.CgroupParent,
                Resources = new ResourceSpec
                {
                    Memory = record.HostConfig.Memory,
                    MemorySwap = record.HostConfig.MemorySwap,
                    CpuShares = record.HostConfig.CpuShares,
                    CpusetCpus = record.HostConfig.CpusetCpus,
                    CpusetMems = record.HostConfig.CpusetMems,
                    CpuPeriod = record.HostConfig.CpuPeriod,
                    CpuQuota = record.HostConfig.CpuQuota,
                    BlkioWeight = record.HostConfig.BlkioWeight,
                    AllowedDevices = deviceRules,
                },
                Rlimits = ContainerDevices.Rlimits(record.HostConfig.Ulimits),
                Process = new ProcessSpec
                {
                    Args = Argv(record.Config),
                    Env = network.Env(ProcessEnv(record.Config)),
                    WorkingDir = string.IsNullOrEmpty(record.Config.WorkingDir) ? "/" : record.Config.WorkingDir,
                    User = record.Config.User,
                    Tty = record.Config.Tty,
                    Stdin = record.Config.OpenStdin,
                    TtyHeight = container.TtySize.Height,
                    TtyWidth = container.TtySize.Width,
                    Privileged = record.HostConfig.Privileged,
                },
            };
            // The log driver is opened first: one that cannot work (syslog without /dev/log) fails the start.
            log = LogDrivers.Open(container, _time, notifier);
            process = await _runtime.StartAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            log?.Dispose();
            await ReleaseNetworkAsync(container).ConfigureAwait(false);
            await layer.UnmountAsync(CancellationToken.None).ConfigureAwait(false);
            record.State.Error = e.Message;
            record.State.ExitCode = e.Message.Contains("executable file not found", StringComparison.Ordinal)
                || e.Message.Contains("no such file or directory", StringComparison.Ordinal) ? 127
                : e.Message.Contains("permission denied", StringComparison.Ordinal) ? 126 : 128;
            _store.Save(container);
            // As Docker does: a start that fails still ends with "die", which clients wait for (docker run --rm).
            Publish(container, "die", new Dictionary<string, string> { ["exitCode"] = record.State.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            throw;
        }

        var state = record.State;
        state.Running = true;
        state.Paused = false;
        state.Restarting = false;
        state.Pid = process.Pid;
        state.ExitCode = 0;
        state.Error = "";
        state.StartedAt = _time.GetUtcNow();
        record.HasBeenStarted = true;
        container.Process = process;
        container.RunEnded = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        container.LogNotifier = notifier;
        _store.Save(container);
        LogStarted(container.Id, process.Pid);
        Publish(container, "start");
        _ = MonitorAsync(container, process, log!, layer);
    }

    private static string NetworkModeFor(HostConfig hostConfig) => hostConfig.NetworkMode switch
    {
        "host" => "host",
        "none" => "none",
        _ => "bridge",
    };

    /// <summary>HostConfig.IpcMode: "" a namespace of its own, "host" the engine's, "container:NAME" that running container's.</summary>
    private string? IpcNamespaceFor(HostConfig hostConfig)
    {
        var mode = hostConfig.IpcMode;
        if (mode is "" or "private" or "shareable")
        {
            return null;
        }
        if (mode == "host")
        {
            return "host";
        }
        var other = _store.Get(mode["container:".Length..]);
        if (!other.Record.State.Running || other.Record.State.Pid == 0)
        {
            throw new EngineException(ErrorKind.Internal, $"cannot join IPC of a non running container: {other.Id}");
        }
        return $"/proc/{other.Record.State.Pid}/ns/ipc";
    }

    internal static List<string> ProcessEnv(Storage.Images.ContainerConfig config)
    {
        var env = new List<string> { DefaultPath, $"HOSTNAME={config.Hostname}" };
        if (config.Tty)
        {
            env.Add("TERM=xterm");
        }
        foreach (var entry in config.Env ?? [])
        {
            var eq = entry.IndexOf('=');
            var key = eq < 0 ? entry : entry[..(eq + 1)];
            env.RemoveAll(e => e.StartsWith(key, StringComparison.Ordinal) && (eq >= 0 || e.Length == key.Length || e[key.Length] == '='));
            if (eq >= 0)
            {
                env.Add(entry);
            }
        }
        return env;
    }

    /// <summary>Pumps the run's I/O, then records its end and applies the restart policy.</summary>
    private async Task MonitorAsync(Container container, IContainerProcess process, IContainerLogWriter log, Storage.Layers.IReadWriteLayer layer)
    {
        var stdinPipe = container.Record.Config.OpenStdin ? container.Streams.Stdin : null;
        int exitCode;
        using (log)
        {
            var pumps = new List<Task> { PumpOutputAsync(container, process.Stdout, StdStream.Stdout, log) };
            if (process.Stderr is not null)
            {
                pumps.Add(PumpOutputAsync(container, process.Stderr, StdStream.Stderr, log));
            }
            using var stdinCts = new CancellationTokenSource();
            var stdinPump = stdinPipe is not null && process.Stdin is not null
                ? PumpStdinAsync(stdinPipe.Reader, process, stdinCts.Token)
                : Task.CompletedTask;
            exitCode = await process.Exited.ConfigureAwait(false);
            // The PID namespace's end kills the execs; this covers a host-PID-namespace future and frozen leftovers.
            foreach (var exec in container.Execs.Values)
            {
                exec.Process?.Signal(Signals.SIGKILL);
            }
            await Task.WhenAll(pumps).ConfigureAwait(false);
            await stdinCts.CancelAsync().ConfigureAwait(false);
            await stdinPump.ConfigureAwait(false);
        }
        if (stdinPipe is not null)
        {
            container.Streams.ClearStdin(stdinPipe);
            await stdinPipe.Reader.CompleteAsync().ConfigureAwait(false);
        }
        container.Streams.CompleteRun();
        LogExited(container.Id, exitCode);

        await container.Lock.WaitAsync().ConfigureAwait(false);
        bool restart;
        try
        {
            var state = container.Record.State;
            state.Running = false;
            state.Paused = false;
            state.Pid = 0;
            state.ExitCode = exitCode;
            state.FinishedAt = _time.GetUtcNow();
            container.Process = null;
            try
            {
                await process.DisposeAsync().ConfigureAwait(false);
                await ReleaseNetworkAsync(container).ConfigureAwait(false);
                await layer.UnmountAsync(CancellationToken.None).ConfigureAwait(false);
                await _runtime.CleanupAsync(container.Id, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or EngineException or InvalidOperationException)
            {
                LogCleanupFailed(container.Id, e);
            }
            restart = ShouldRestart(container, exitCode);
            state.Restarting = restart;
            if (!container.Removing)
            {
                _store.Save(container);
            }
            Publish(container, "die", new Dictionary<string, string> { ["exitCode"] = exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            container.RunEnded?.TrySetResult(exitCode);
        }
        finally
        {
            container.Lock.Release();
        }
        if (restart)
        {
            await RestartByPolicyAsync(container).ConfigureAwait(false);
        }
    }

    private async Task PumpOutputAsync(Container container, Stream source, StdStream stream, IContainerLogWriter log)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var n = await source.ReadAsync(buffer).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }
                log.Write(stream == StdStream.Stderr, buffer.AsSpan(0, n));
                await container.Streams.BroadcastAsync(new OutputChunk(stream, buffer.AsSpan(0, n).ToArray()), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // The other end went away: the run is over.
        }
    }

    private static async Task PumpStdinAsync(PipeReader reader, IContainerProcess process, CancellationToken cancellationToken)
    {
        var stdin = process.Stdin!;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                foreach (var segment in result.Buffer)
                {
                    await stdin.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
                }
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    process.CloseStdin();
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The process is gone or closed its stdin.
        }
    }

    private bool ShouldRestart(Container container, int exitCode)
    {
        if (container.ManualStop || container.Removing)
        {
            return false;
        }
        var policy = container.Record.HostConfig.RestartPolicy;
        return policy.Name switch
        {
            "always" or "unless-stopped" => true,
            "on-failure" => exitCode != 0 && (policy.MaximumRetryCount <= 0 || container.Record.RestartCount < policy.MaximumRetryCount),
            _ => false,
        };
    }

    private async Task RestartByPolicyAsync(Container container)
    {
        // Docker's back-off: 100 ms doubling with each consecutive restart, reset after a run of 10 s or more.
        var ran = container.Record.State.FinishedAt - container.Record.State.StartedAt;
        var delay = ran >= TimeSpan.FromSeconds(10) ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromMilliseconds(100 * Math.Pow(2, Math.Min(container.Record.RestartCount, 10)));
        await Task.Delay(delay, _time).ConfigureAwait(false);
        await container.Lock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (container.ManualStop || container.Removing || container.Process is not null)
            {
                container.Record.State.Restarting = false;
                return;
            }
            container.Record.RestartCount++;
            await StartLockedAsync(container, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is EngineException or IOException)
        {
            container.Record.State.Restarting = false;
            _store.Save(container);
            LogRestartFailed(container.Id, e);
        }
        finally
        {
            container.Lock.Release();
        }
    }
}
