using System.Globalization;
using System.Security.Cryptography;
using Engine.Core.Containers;
using Engine.Core.Runtime;
using Engine.Storage.Errors;
using Microsoft.Extensions.Logging;

namespace Engine.Core.Exec;

/// <summary>
/// Execs of running containers. An exec is kept (for inspect and the container's ExecIDs) until its container is
/// removed or started again; its process is killed with the container's run (it lives in the container's PID
/// namespace, and the run's end kills what is left). See README.md.
/// </summary>
public sealed partial class ExecManager : IExecService
{
    private readonly ContainerManager _containers;
    private readonly IContainerRuntime _runtime;
    private readonly ILogger<ExecManager> _logger;
    private long _sequence;

    public ExecManager(ContainerManager containers, IContainerRuntime runtime, ILogger<ExecManager> logger)
    {
        _containers = containers;
        _runtime = runtime;
        _logger = logger;
    }

    public async Task<string> CreateAsync(string container, ExecConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var c = _containers.GetContainer(container);
        if (config.Cmd.Count == 0)
        {
            throw EngineException.Invalid("No exec command specified");
        }
        string id;
        await c.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            CheckRunnable(c);
            id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            var exec = new ExecInstance(id, c, config, Interlocked.Increment(ref _sequence));
            _containers.Execs[id] = exec;
            c.Execs[id] = exec;
        }
        finally
        {
            c.Lock.Release();
        }
        _containers.Publish(c, "exec_create: " + string.Join(' ', config.Cmd), new Dictionary<string, string> { ["execID"] = id });
        return id;
    }

    public async Task<IContainerAttachment> StartAsync(string execId, bool detach = false, CancellationToken cancellationToken = default)
    {
        var exec = Get(execId);
        var c = exec.Container;
        await c.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (exec.Started)
            {
                throw EngineException.Conflict(exec.Running
                    ? $"Error: Exec command {exec.Id} is already running"
                    : $"Error: Exec command {exec.Id} has already run");
            }
            CheckRunnable(c);
            exec.TryMarkStarted();
            if (detach)
            {
                await exec.Discard.CancelAsync().ConfigureAwait(false);
            }
            var spec = new ProcessSpec
            {
                Args = exec.Config.Cmd,
                // Docker 1.7: an exec gets the container's environment.
                Env = ContainerManager.ProcessEnv(c.Record.Config),
                WorkingDir = string.IsNullOrEmpty(c.Record.Config.WorkingDir) ? "/" : c.Record.Config.WorkingDir,
                User = exec.EffectiveUser,
                Tty = exec.Config.Tty,
                Stdin = exec.Config.AttachStdin,
                TtyHeight = exec.TtySize.Height,
                TtyWidth = exec.TtySize.Width,
                Privileged = exec.Config.Privileged,
            };
            IContainerProcess process;
            try
            {
                process = await _runtime.ExecAsync(c.Process!, spec, cancellationToken).ConfigureAwait(false);
            }
            catch (EngineException e) when (e.Kind is ErrorKind.NotFound or ErrorKind.InvalidParameter or ErrorKind.Internal)
            {
                // As Docker: the command could not be run; the exec ends with 127 (not found) or 126, and the
                // reason is its output.
                LogStartFailed(c.Id, exec.Id, e);
                Finish(exec, e.Kind == ErrorKind.NotFound ? 127 : 126, e.Message + "\n");
                return new ExecAttachment(exec, detach);
            }
            exec.Process = process;
            exec.Running = true;
            LogStarted(c.Id, exec.Id, process.Pid);
            _containers.Publish(c, "exec_start: " + exec.CommandLine, new Dictionary<string, string> { ["execID"] = exec.Id });
            _ = MonitorAsync(exec, process);
            return new ExecAttachment(exec, detach);
        }
        finally
        {
            c.Lock.Release();
        }
    }

    public Task ResizeAsync(string execId, ushort height, ushort width, CancellationToken cancellationToken = default)
    {
        var exec = Get(execId);
        exec.TtySize = (height, width);
        if (exec.Running)
        {
            exec.Process?.Resize(height, width);
        }
        return Task.CompletedTask;
    }

    public async Task<ExecDetails> InspectAsync(string execId, CancellationToken cancellationToken = default)
    {
        var exec = Get(execId);
        var container = await _containers.InspectAsync(exec.Container.Id, cancellationToken).ConfigureAwait(false);
        return new ExecDetails
        {
            Id = exec.Id,
            Running = exec.Running,
            ExitCode = exec.ExitCode,
            ProcessConfig = new ExecProcessConfig
            {
                Privileged = exec.Config.Privileged,
                User = exec.Config.User,
                Tty = exec.Config.Tty,
                Entrypoint = exec.Config.Cmd[0],
                Arguments = exec.Config.Cmd.Skip(1).ToList(),
            },
            OpenStdin = exec.Config.AttachStdin,
            OpenStdout = exec.Config.AttachStdout,
            OpenStderr = exec.Config.AttachStderr,
            ContainerId = exec.Container.Id,
            Container = container,
            Pid = exec.Running ? exec.Process?.Pid ?? 0 : 0,
        };
    }

    public Task<int> WaitAsync(string execId, CancellationToken cancellationToken = default)
        => Get(execId).Ended.Task.WaitAsync(cancellationToken);

    private ExecInstance Get(string execId)
        => _containers.Execs.TryGetValue(execId, out var exec)
            ? exec
            : throw EngineException.NotFound($"No such exec instance '{execId}' found in daemon");

    /// <summary>Docker's checks before an exec is created or started. The caller holds the container's lock.</summary>
    private static void CheckRunnable(Container c)
    {
        if (c.Process is null || !c.Record.State.Running)
        {
            throw EngineException.NotRunning($"Container {c.Id} is not running");
        }
        if (c.Record.State.Paused)
        {
            throw EngineException.Conflict($"Container {c.Id} is paused, unpause the container before exec");
        }
        if (c.Record.State.Restarting)
        {
            throw EngineException.Conflict($"Container {c.Id} is restarting, wait until the container is running");
        }
    }

    /// <summary>Pumps the exec's output, then records its end (exit code first, then the end of output).</summary>
    private async Task MonitorAsync(ExecInstance exec, IContainerProcess process)
    {
        var pumps = new List<Task> { PumpAsync(exec, process.Stdout, StdStream.Stdout) };
        if (process.Stderr is not null)
        {
            pumps.Add(PumpAsync(exec, process.Stderr, StdStream.Stderr));
        }
        int exitCode = await process.Exited.ConfigureAwait(false);
        await Task.WhenAll(pumps).ConfigureAwait(false);
        await exec.StdinLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await process.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            exec.StdinLock.Release();
        }
        LogExited(exec.Container.Id, exec.Id, exitCode);
        Finish(exec, exitCode, null);
    }

    private void Finish(ExecInstance exec, int exitCode, string? message)
    {
        exec.ExitCode = exitCode;
        exec.Running = false;
        if (message is not null)
        {
            exec.Output.Writer.TryWrite(new OutputChunk(StdStream.Stderr, System.Text.Encoding.UTF8.GetBytes(message)));
        }
        exec.Output.Writer.TryComplete();
        _containers.Publish(exec.Container, "exec_die", new Dictionary<string, string>
        {
            ["execID"] = exec.Id,
            ["exitCode"] = exitCode.ToString(CultureInfo.InvariantCulture),
        });
        exec.Ended.TrySetResult(exitCode);
    }

    private static async Task PumpAsync(ExecInstance exec, Stream source, StdStream stream)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            while (true)
            {
                int n = await source.ReadAsync(buffer).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }
                if (exec.Discard.IsCancellationRequested)
                {
                    continue;
                }
                try
                {
                    await exec.Output.Writer.WriteAsync(new OutputChunk(stream, buffer.AsSpan(0, n).ToArray()), exec.Discard.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Nobody reads any more: the rest is discarded.
                }
            }
        }
        catch (IOException)
        {
            // The pty or pipe went away with the process.
        }
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Debug, Message = "Container {ContainerId}: exec {ExecId} started, pid {Pid}")]
    private partial void LogStarted(string containerId, string execId, int pid);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Container {ContainerId}: exec {ExecId} exited with {ExitCode}")]
    private partial void LogExited(string containerId, string execId, int exitCode);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Container {ContainerId}: exec {ExecId} could not start")]
    private partial void LogStartFailed(string containerId, string execId, Exception exception);
}
