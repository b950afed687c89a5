namespace Engine.Core.Build;

/// <summary>POST /build's parameters, in the library's terms.</summary>
public sealed class BuildOptions
{
    /// <summary>Path of the Dockerfile inside the context; null: "Dockerfile", else "dockerfile" when only that exists.</summary>
    public string? Dockerfile { get; init; }

    /// <summary>"repo" or "repo:tag" names given to the result (t=; current clients may send several).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Leave the output of RUN steps out (q=1). Steps and ids are still reported, as Docker 1.7 did.</summary>
    public bool Quiet { get; init; }

    /// <summary>Never reuse an earlier step's image (nocache=1).</summary>
    public bool NoCache { get; init; }

    /// <summary>Remove the intermediate containers after each successful step (rm, default true).</summary>
    public bool Remove { get; init; } = true;

    /// <summary>Remove them even when the build fails (forcerm=1).</summary>
    public bool ForceRemove { get; init; }

    /// <summary>Always pull the FROM image (pull=1). Accepted and ignored: the engine has no registry client.</summary>
    public bool Pull { get; init; }

    /// <summary>Limits of the RUN containers (memory, memswap, cpushares, cpusetcpus, cpusetmems, cpuperiod, cpuquota).</summary>
    public long Memory { get; init; }
    public long MemorySwap { get; init; }
    public long CpuShares { get; init; }
    public string CpusetCpus { get; init; } = "";
    public string CpusetMems { get; init; } = "";
    public long CpuPeriod { get; init; }
    public long CpuQuota { get; init; }
}
