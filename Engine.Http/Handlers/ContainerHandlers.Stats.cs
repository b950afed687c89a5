using System.Text.Json;
using Engine.Core.Containers;
using Engine.Http.Json;
using Engine.Http.Routing;

namespace Engine.Http.Handlers;

/// <summary>Pause, unpause, top and stats.</summary>
internal static partial class ContainerHandlers
{
    public static async Task PauseAsync(ApiContext c)
    {
        await c.Engine.Containers.PauseAsync(c.Route("id"), c.Aborted);
        c.Status(204);
    }

    public static async Task UnpauseAsync(ApiContext c)
    {
        await c.Engine.Containers.UnpauseAsync(c.Route("id"), c.Aborted);
        c.Status(204);
    }

    public static async Task TopAsync(ApiContext c)
    {
        var top = await c.Engine.Containers.TopAsync(c.Route("id"), c.Query("ps_args"), c.Aborted);
        await c.WriteJsonAsync(new ContainerTopResponse
        {
            Titles = [.. top.Titles],
            Processes = [.. top.Processes.Select(p => p.ToList())],
        }, EngineJsonContext.Default.ContainerTopResponse);
    }

    /// <summary>One JSON object per line, flushed per sample; stream=0/false gives one (v1.19 has no stream parameter: streaming is the default).</summary>
    public static async Task StatsAsync(ApiContext c)
    {
        var stream = c.QueryBool("stream", defaultValue: true);
        var id = c.Route("id");
        // Resolve first so that an unknown container is a 404 before the 200 starts.
        await c.Engine.Containers.InspectAsync(id, c.Aborted);
        var response = c.Http.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        await response.StartAsync(c.Aborted);
        try
        {
            await foreach (var sample in c.Engine.Containers.StatsAsync(id, stream, c.Aborted))
            {
                await JsonSerializer.SerializeAsync(response.Body, ToJson(sample), EngineJsonContext.Default.StatsJson, c.Aborted);
                await response.Body.WriteAsync("\n"u8.ToArray(), c.Aborted);
                await response.Body.FlushAsync(c.Aborted);
            }
        }
        catch (OperationCanceledException) when (c.Aborted.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    internal static StatsJson ToJson(ContainerStats s)
    {
        var networks = s.Networks.ToDictionary(n => n.Key, n => ToJson(n.Value));
        return new StatsJson
        {
            Id = s.Id,
            Name = s.Name,
            Read = DockerFormat.Rfc3339Nano(s.Read),
            PreRead = DockerFormat.Rfc3339Nano(s.PreRead),
            // v1.19's single object: the sum over the interfaces.
            Network = new NetworkStatsJson
            {
                RxBytes = s.Networks.Values.Sum(n => n.RxBytes),
                RxPackets = s.Networks.Values.Sum(n => n.RxPackets),
                RxErrors = s.Networks.Values.Sum(n => n.RxErrors),
                RxDropped = s.Networks.Values.Sum(n => n.RxDropped),
                TxBytes = s.Networks.Values.Sum(n => n.TxBytes),
                TxPackets = s.Networks.Values.Sum(n => n.TxPackets),
                TxErrors = s.Networks.Values.Sum(n => n.TxErrors),
                TxDropped = s.Networks.Values.Sum(n => n.TxDropped),
            },
            Networks = networks,
            PreCpuStats = ToJson(s.PreCpu),
            CpuStats = ToJson(s.Cpu),
            MemoryStats = new MemoryStatsJson
            {
                Usage = s.Memory.Usage,
                MaxUsage = s.Memory.MaxUsage,
                Stats = new Dictionary<string, long>(s.Memory.Stats),
                Failcnt = s.Memory.Failcnt,
                Limit = s.Memory.Limit,
            },
            BlkioStats = new BlkioStatsJson
            {
                IoServiceBytesRecursive = [.. s.IoServiceBytes.Select(e => new BlkioEntryJson { Major = e.Major, Minor = e.Minor, Op = e.Op, Value = e.Value })],
                IoServicedRecursive = [.. s.IoServiced.Select(e => new BlkioEntryJson { Major = e.Major, Minor = e.Minor, Op = e.Op, Value = e.Value })],
            },
            PidsStats = new PidsStatsJson { Current = s.PidsCurrent },
        };
    }

    private static NetworkStatsJson ToJson(NetworkStats n) => new()
    {
        RxBytes = n.RxBytes, RxPackets = n.RxPackets, RxErrors = n.RxErrors, RxDropped = n.RxDropped,
        TxBytes = n.TxBytes, TxPackets = n.TxPackets, TxErrors = n.TxErrors, TxDropped = n.TxDropped,
    };

    private static CpuStatsJson ToJson(CpuStats cpu) => new()
    {
        CpuUsage = new CpuUsageJson
        {
            TotalUsage = cpu.TotalUsage,
            PercpuUsage = cpu.PerCpuUsage.Count == 0 ? null : [.. cpu.PerCpuUsage],
            UsageInKernelmode = cpu.UsageInKernelmode,
            UsageInUsermode = cpu.UsageInUsermode,
        },
        SystemCpuUsage = cpu.SystemCpuUsage,
        OnlineCpus = cpu.OnlineCpus,
        ThrottlingData = new ThrottlingJson { Periods = cpu.ThrottlingPeriods, ThrottledPeriods = cpu.ThrottledPeriods, ThrottledTime = cpu.ThrottledTime },
    };
}
