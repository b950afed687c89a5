using System.Runtime.CompilerServices;

namespace Engine.Core.Containers;

public sealed partial class ContainerManager
{
    private static readonly TimeSpan StatsInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Samples the container's resource usage: with <paramref name="stream"/> one sample per second until the run
    /// ends or the token fires; without, one sample whose PreCpu is a sample taken one interval earlier (so CPU
    /// percentages can be computed from it). A container that does not run gives one zero sample.
    /// </summary>
    public async IAsyncEnumerable<ContainerStats> StatsAsync(string nameOrId, bool stream = true, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var container = _store.Get(nameOrId);
        if (container.Process is not { } process || container.RunEnded is not { } run)
        {
            yield return new ContainerStats { Id = container.Id, Name = "/" + container.Record.Name, Read = _time.GetUtcNow() };
            yield break;
        }
        var memTotal = HostStats.MemTotal();
        var previous = Sample(container, process.Pid, memTotal, null);
        if (stream)
        {
            yield return previous;
        }
        while (!run.Task.IsCompleted)
        {
            try
            {
                await Task.WhenAny(run.Task, Task.Delay(StatsInterval, _time, cancellationToken)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (run.Task.IsCompleted)
            {
                break;
            }
            ContainerStats current;
            try
            {
                current = Sample(container, process.Pid, memTotal, previous);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The cgroup went away with the run.
                break;
            }
            yield return current;
            if (!stream)
            {
                yield break;
            }
            previous = current;
        }
        if (!stream && previous.PreRead == default)
        {
            // The run ended before the second sample: what was read is all there is.
            yield return previous;
        }
    }

    private ContainerStats Sample(Container container, int pid, long memTotal, ContainerStats? previous)
    {
        var cg = _runtime.ReadStats(container.Id);
        long limit = cg.MemoryLimit ?? 0;
        if (memTotal > 0 && (limit <= 0 || limit > memTotal))
        {
            limit = memTotal;
        }
        return new ContainerStats
        {
            Id = container.Id,
            Name = "/" + container.Record.Name,
            Read = _time.GetUtcNow(),
            PreRead = previous?.Read ?? default,
            Networks = HostStats.Network(pid),
            Cpu = new CpuStats
            {
                TotalUsage = cg.CpuUsageNanoseconds ?? 0,
                PerCpuUsage = cg.PerCpuUsageNanoseconds,
                UsageInKernelmode = cg.SystemNanoseconds,
                UsageInUsermode = cg.UserNanoseconds,
                SystemCpuUsage = HostStats.SystemCpuUsage(),
                OnlineCpus = Environment.ProcessorCount,
                ThrottlingPeriods = cg.ThrottlingPeriods,
                ThrottledPeriods = cg.ThrottledPeriods,
                ThrottledTime = cg.ThrottledTimeNanoseconds,
            },
            PreCpu = previous?.Cpu ?? new CpuStats(),
            Memory = new MemoryStats
            {
                Usage = cg.MemoryUsage ?? 0,
                MaxUsage = cg.MemoryMaxUsage ?? 0,
                Stats = cg.MemoryStat,
                Failcnt = cg.MemoryFailCount,
                Limit = limit,
            },
            IoServiceBytes = cg.IoServiceBytes,
            IoServiced = cg.IoServiced,
            PidsCurrent = cg.PidsCurrent ?? 0,
        };
    }
}
