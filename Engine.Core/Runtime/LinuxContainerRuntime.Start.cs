using Engine.Core.Interop;
using Engine.Core.Runtime.Cgroups;
using Engine.Storage.Errors;
using Native = Engine.Core.Interop.Interop;

namespace Engine.Core.Runtime;

public sealed partial class LinuxContainerRuntime
{
    public async Task<IContainerProcess> StartAsync(ContainerRuntimeSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Process.Args.Count == 0)
        {
            throw EngineException.Invalid("No command specified");
        }
        string initPath = CheckInit();
        bool privileged = spec.Privileged || spec.Process.Privileged;
        var caps = Capabilities.Compute(privileged, spec.CapAdd, spec.CapDrop, _lastCap);
        string parent = CgroupFiles.CheckParent(spec.CgroupParent ?? _options.CgroupParent);
        bool hostNetwork = spec.NetworkMode == "host";
        string? joinNetwork = spec.NetworkMode == "container" ? spec.NetworkNamespacePath ?? throw EngineException.Invalid("NetworkMode container needs NetworkNamespacePath") : null;
        string? joinIpc = spec.IpcNamespace is { } ipc && ipc != "host" ? ipc : null;
        int flags = Native.CLONE_NEWNS | Native.CLONE_NEWUTS
            | (spec.IpcNamespace is null ? Native.CLONE_NEWIPC : 0)
            | (spec.PidNamespace is "host" ? 0 : Native.CLONE_NEWPID)
            | (hostNetwork || joinNetwork is not null ? 0 : Native.CLONE_NEWNET);

        var initSpec = new InitSpec
        {
            Mode = "container",
            RootFs = spec.RootFs,
            ReadonlyRootFs = spec.ReadonlyRootFs,
            Hostname = spec.Hostname,
            Domainname = spec.Domainname,
            Privileged = privileged,
            Mounts = spec.Mounts.Select(m => new InitMount { Source = m.Source, Target = m.Target, Type = m.Type, Options = m.Options?.ToList() ?? [] }).ToList(),
            Capabilities = caps,
            Rlimits = spec.Rlimits.Select(r => new InitRlimit { Name = r.Name, Soft = r.Soft, Hard = r.Hard }).ToList(),
            Process = ToInit(spec.Process),
        };
        var context = new ContainerContext(spec.Id, parent, caps, privileged, 0);

        _cgroupParents[spec.Id] = parent;
        try
        {
            // Inside the try: a creation that fails half-way (a limit the kernel refuses) is removed too.
            Cgroups.Create(parent, spec.Id, spec.Resources, allowAllDevices: privileged);
            Log.CgroupCreated(_logger, spec.Id, Cgroups.Version, parent);
            var process = await LaunchAsync(context, initSpec, spec.Process, fds =>
            {
                using var netns = joinNetwork is null ? null : Native.Open(joinNetwork, Native.O_RDONLY);
                using var ipcns = joinIpc is null ? null : Native.Open(joinIpc, Native.O_RDONLY);
                Native.Unshare(flags);
                if (netns is not null)
                {
                    Native.SetNs(netns, Native.CLONE_NEWNET, joinNetwork!);
                }
                if (ipcns is not null)
                {
                    Native.SetNs(ipcns, Native.CLONE_NEWIPC, joinIpc!);
                }
                int pid = Native.Spawn(initPath, ["engine-init"], [], fds);
                Log.Spawned(_logger, spec.Id, flags, initPath, pid);
                return pid;
            }, async (pid, ct) =>
            {
                if (!hostNetwork && joinNetwork is null)
                {
                    await DedicatedThread.RunAsync("engine-netns", () =>
                    {
                        using var ns = Native.Open($"/proc/{pid}/ns/net", Native.O_RDONLY);
                        Native.SetNs(ns, Native.CLONE_NEWNET, $"/proc/{pid}/ns/net");
                        Native.InterfaceUp("lo");
                        return true;
                    }).ConfigureAwait(false);
                    Log.LoopbackUp(_logger, spec.Id, pid);
                }
                if (spec.BeforeExec is not null)
                {
                    await spec.BeforeExec(pid, ct).ConfigureAwait(false);
                }
            }, cancellationToken).ConfigureAwait(false);
            Log.Started(_logger, spec.Id, process.Pid);
            return process;
        }
        catch (Exception e)
        {
            Log.StartFailed(_logger, spec.Id, e);
            try
            {
                await Cgroups.RemoveAsync(parent, spec.Id, CancellationToken.None).ConfigureAwait(false);
                _cgroupParents.TryRemove(spec.Id, out _);
            }
            catch (Exception undo)
            {
                Log.UndoFailed(_logger, spec.Id, undo);
            }
            throw;
        }
    }

    public async Task<IContainerProcess> ExecAsync(IContainerProcess container, ProcessSpec process, CancellationToken cancellationToken = default)
    {
        if (container is not ContainerProcess owner)
        {
            throw EngineException.Invalid("the process was not started by this runtime");
        }
        if (owner.Exited.IsCompleted)
        {
            throw EngineException.NotRunning($"Container {owner.Container.Id} is not running");
        }
        if (process.Args.Count == 0)
        {
            throw EngineException.Invalid("No exec command specified");
        }
        string initPath = CheckInit();
        var context = owner.Container;
        bool privileged = process.Privileged || context.Privileged;
        var initSpec = new InitSpec
        {
            Mode = "exec",
            Privileged = privileged,
            Capabilities = privileged ? Capabilities.Compute(true, [], [], _lastCap) : context.Capabilities.ToList(),
            Process = ToInit(process),
        };
        int target = owner.Pid;
        // The init is a dynamically linked host binary: spawned after joining the container's mount namespace,
        // neither it nor its ELF interpreter would be found. So this thread joins ipc, uts, net and pid, and the
        // init joins the mount namespace itself (InitSpec.MountNamespace) before anything else.
        initSpec.MountNamespace = $"/proc/{target}/ns/mnt";
        var result = await LaunchAsync(context with { InitPid = target }, initSpec, process, fds =>
        {
            var namespaces = new List<(SafeFdHandle Fd, int Type, string Path)>();
            try
            {
                foreach (var (name, type) in new[] { ("ipc", Native.CLONE_NEWIPC), ("uts", Native.CLONE_NEWUTS), ("net", Native.CLONE_NEWNET), ("pid", Native.CLONE_NEWPID) })
                {
                    string path = $"/proc/{target}/ns/{name}";
                    namespaces.Add((Native.Open(path, Native.O_RDONLY), type, path));
                }
                Native.Unshare(Native.CLONE_FS);
                foreach (var (fd, type, path) in namespaces)
                {
                    Native.SetNs(fd, type, path);
                }
                return Native.Spawn(initPath, ["engine-init"], [], fds);
            }
            finally
            {
                foreach (var ns in namespaces)
                {
                    ns.Fd.Dispose();
                }
            }
        }, null, cancellationToken).ConfigureAwait(false);
        Log.ExecStarted(_logger, context.Id, result.Pid, string.Join(' ', process.Args));
        return result;
    }

    /// <summary>
    /// The part shared by start and exec: descriptors, spawn on a dedicated thread, cgroup placement, the
    /// protocol (spec, pty, ready, [beforeGo], go, EOF or error). Undoes everything it made on failure.
    /// </summary>
    private async Task<ContainerProcess> LaunchAsync(ContainerContext context, InitSpec initSpec, ProcessSpec process,
        Func<IReadOnlyList<Native.SpawnFd>, int> spawn, Func<int, CancellationToken, Task>? beforeGo, CancellationToken cancellationToken)
    {
        var loop = _loop.Value;
        var owned = new List<IDisposable>();
        SafeFdHandle? stdinRead = null, stdinWrite = null, stdoutRead = null, stdoutWrite = null, stderrRead = null, stderrWrite = null;
        SafeFdHandle? pidfd = null, ptyMaster = null;
        InitChannel? channel = null;
        Task<int>? exited = null;
        Task? placing = null;
        try
        {
            var (controlEngine, controlChild) = Native.SeqPacketPair();
            owned.Add(controlEngine);
            owned.Add(controlChild);
            var fds = new List<Native.SpawnFd>();
            if (process.Tty)
            {
                fds.Add(new(0, null, "/dev/null", Native.O_RDWR));
                fds.Add(new(1, null, "/dev/null", Native.O_RDWR));
                fds.Add(new(2, null, "/dev/null", Native.O_RDWR));
            }
            else
            {
                if (process.Stdin)
                {
                    (stdinRead, stdinWrite) = Native.Pipe();
                    owned.Add(stdinRead);
                    owned.Add(stdinWrite);
                    fds.Add(new(0, stdinRead));
                }
                else
                {
                    fds.Add(new(0, null, "/dev/null", Native.O_RDONLY));
                }
                (stdoutRead, stdoutWrite) = Native.Pipe();
                (stderrRead, stderrWrite) = Native.Pipe();
                owned.AddRange([stdoutRead, stdoutWrite, stderrRead, stderrWrite]);
                fds.Add(new(1, stdoutWrite));
                fds.Add(new(2, stderrWrite));
            }
            fds.Add(new(3, controlChild));

            int pid;
            bool inherited;
            (pid, pidfd, inherited) = await DedicatedThread.RunAsync("engine-spawn", () =>
            {
                // This thread ends after the spawn: it may move itself into the container's cgroup, so that
                // the child is born there (see ICgroupManager.JoinCurrentThread).
                bool joined = Cgroups.JoinCurrentThread(context.CgroupParent, context.Id);
                int child = spawn(fds);
                return (child, Native.PidfdOpen(child), joined);
            }).ConfigureAwait(false);
            exited = loop.WatchExit(pidfd, pid);

            // The child has its copies now; keeping ours would hide EOF.
            controlChild.Dispose();
            stdinRead?.Dispose();
            stdoutWrite?.Dispose();
            stderrWrite?.Dispose();

            // Moving a whole process between cgroups waits for an RCU grace period in the kernel (milliseconds):
            // when the child could not be born in its cgroup, that runs while the init sets up the root file
            // system, and is awaited before "go".
            placing = inherited
                ? Task.CompletedTask
                : Task.Run(() => Cgroups.AddProcess(context.CgroupParent, context.Id, pid), CancellationToken.None);

            channel = new InitChannel(loop, controlEngine);
            await channel.SendSpecAsync(initSpec, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var (message, fd) = await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false);
                if (message is null)
                {
                    int code = await exited.ConfigureAwait(false);
                    throw new EngineException(ErrorKind.Internal, $"engine-init exited with code {code} before it was ready");
                }
                Log.InitMessage(_logger, context.Id, message.Type);
                if (message.Type == "pty" && fd is not null)
                {
                    ptyMaster?.Dispose();
                    ptyMaster = fd;
                    continue;
                }
                fd?.Dispose();
                if (message.Type == "ready")
                {
                    break;
                }
                if (message.Type == "error")
                {
                    throw InitError(message.Message ?? "engine-init failed");
                }
            }
            if (process.Tty && ptyMaster is null)
            {
                throw new EngineException(ErrorKind.Internal, "engine-init sent no pty for a TTY process");
            }
            await placing.ConfigureAwait(false);
            if (beforeGo is not null)
            {
                await beforeGo(pid, cancellationToken).ConfigureAwait(false);
            }
            await channel.SendAsync(new InitMessage { Type = "go" }, cancellationToken).ConfigureAwait(false);
            var (last, lastFd) = await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            lastFd?.Dispose();
            if (last is not null)
            {
                Log.InitMessage(_logger, context.Id, last.Type);
                throw InitError(last.Type == "error" ? last.Message ?? "engine-init failed" : $"unexpected message from engine-init: {last.Type}");
            }
            channel.Dispose();
            channel = null;

            Stream stdout;
            Stream? stderr = null, stdin = null;
            if (ptyMaster is not null)
            {
                stdout = new FdStream(loop, ptyMaster, canRead: true, isPty: true);
                if (process.Stdin)
                {
                    stdin = new FdStream(loop, Native.Duplicate(ptyMaster), canRead: false, isPty: true);
                }
            }
            else
            {
                stdout = new FdStream(loop, stdoutRead!, canRead: true, isPty: false);
                stderr = new FdStream(loop, stderrRead!, canRead: true, isPty: false);
                if (stdinWrite is not null)
                {
                    stdin = new FdStream(loop, stdinWrite, canRead: false, isPty: false);
                }
            }
            return new ContainerProcess(context with { InitPid = context.InitPid == 0 ? pid : context.InitPid }, pid, pidfd, exited, stdout, stderr, stdin, ptyMaster);
        }
        catch
        {
            channel?.Dispose();
            if (placing is not null)
            {
                try
                {
                    await placing.ConfigureAwait(false);
                }
                catch (IOException)
                {
                    // The start failed anyway; the cgroup is removed by the caller.
                }
            }
            if (pidfd is not null && exited is not null)
            {
                Native.PidfdSendSignal(pidfd, 9);
                await exited.ConfigureAwait(false);
            }
            pidfd?.Dispose();
            ptyMaster?.Dispose();
            foreach (var d in owned)
            {
                d.Dispose();
            }
            throw;
        }
    }
}
