namespace Engine.Core.Logs;

/// <summary>Where a container's output is logged (HostConfig.LogConfig.Type). Disposed when the run ends.</summary>
internal interface IContainerLogWriter : IDisposable
{
    /// <summary>Logs a chunk of output as it came from the process.</summary>
    void Write(bool stderr, ReadOnlySpan<byte> data);
}
