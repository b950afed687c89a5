using Microsoft.Extensions.Logging;

namespace Engine.Core.Runtime;

internal sealed partial class EpollLoop
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1100, Level = LogLevel.Error, Message = "epoll_wait failed; the runtime's I/O loop stopped")]
        public static partial void EpollFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "An epoll readiness callback failed")]
        public static partial void EpollCallbackFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "Process {Pid} exited with {ExitCode} (waitid P_PIDFD)")]
        public static partial void ProcessExited(ILogger logger, int pid, int exitCode);
    }
}
