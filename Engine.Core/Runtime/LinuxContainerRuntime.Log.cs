using Microsoft.Extensions.Logging;

namespace Engine.Core.Runtime;

public sealed partial class LinuxContainerRuntime
{
    /// <summary>Event ids 1000-1099: runtime (1100-1199: its epoll loop).</summary>
    private static partial class Log
    {
        [LoggerMessage(EventId = 1000, Level = LogLevel.Debug, Message = "Container {ContainerId}: unshare(0x{Flags:x}) and posix_spawn {InitPath} gave pid {Pid}")]
        public static partial void Spawned(ILogger logger, string containerId, int flags, string initPath, int pid);

        [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Container {ContainerId}: cgroup {Version} created under {Parent}")]
        public static partial void CgroupCreated(ILogger logger, string containerId, string version, string parent);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Container {ContainerId}: init says {Type}")]
        public static partial void InitMessage(ILogger logger, string containerId, string type);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Container {ContainerId}: started, pid {Pid}")]
        public static partial void Started(ILogger logger, string containerId, int pid);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Container {ContainerId}: start failed, undoing")]
        public static partial void StartFailed(ILogger logger, string containerId, Exception exception);

        [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "Container {ContainerId}: exec pid {Pid} ({Command})")]
        public static partial void ExecStarted(ILogger logger, string containerId, int pid, string command);

        [LoggerMessage(EventId = 1006, Level = LogLevel.Debug, Message = "Container {ContainerId}: cgroup removed")]
        public static partial void CgroupRemoved(ILogger logger, string containerId);

        [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Container {ContainerId}: undo step failed")]
        public static partial void UndoFailed(ILogger logger, string containerId, Exception exception);

        [LoggerMessage(EventId = 1008, Level = LogLevel.Debug, Message = "Container {ContainerId}: lo up in the network namespace of pid {Pid}")]
        public static partial void LoopbackUp(ILogger logger, string containerId, int pid);

        [LoggerMessage(EventId = 1009, Level = LogLevel.Debug, Message = "Container {ContainerId}: frozen={Frozen}")]
        public static partial void Frozen(ILogger logger, string containerId, bool frozen);
    }
}
