using Engine.Core.Containers;
using Engine.Storage.Errors;

namespace Engine.Core.Logs;

/// <summary>The log drivers of Docker 1.7: json-file (the default, readable by `docker logs`), syslog, none.</summary>
internal static class LogDrivers
{
    public const string JsonFile = "json-file";

    /// <summary>Checked at create: an unknown driver is an error there, not at start.</summary>
    public static void Validate(LogConfig config)
    {
        if (!(config.Type is "" or JsonFile or "none" or "syslog"))
        {
            throw EngineException.Invalid($"Failed to get logging factory: logger: no log driver named '{config.Type}' is registered");
        }
    }

    public static bool IsReadable(LogConfig config) => config.Type is "" or JsonFile;

    /// <summary>Opens the writer of one run; followers of `docker logs -f` are told through <paramref name="notifier"/>.</summary>
    public static IContainerLogWriter Open(Container container, TimeProvider time, LogNotifier notifier) => container.Record.HostConfig.LogConfig.Type switch
    {
        "none" => new NoLogWriter(notifier),
        "syslog" => SyslogLogWriter.Open(container.Id, notifier),
        _ => new JsonFileLogWriter(container.LogPath, time, notifier),
    };

    private sealed class NoLogWriter(LogNotifier notifier) : IContainerLogWriter
    {
        public void Write(bool stderr, ReadOnlySpan<byte> data)
        {
        }

        public void Dispose() => notifier.Close();
    }
}
