using System.Buffers;

namespace Engine.Core.Logs;

/// <summary>
/// Appends a container's output to its json-file log, a line per entry, as Docker does: output is split at
/// '\n'; a line longer than 16 KiB is written in pieces without the newline; what is left at close is written as is.
/// Thread-safe: stdout and stderr pumps write concurrently.
/// </summary>
internal sealed class JsonFileLogWriter : IContainerLogWriter
{
    private const int MaxLine = 16 * 1024;

    private readonly Lock _gate = new();
    private readonly FileStream _file;
    private readonly ArrayBufferWriter<byte> _encoded = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _partialOut = new();
    private readonly ArrayBufferWriter<byte> _partialErr = new();
    private readonly TimeProvider _time;
    private readonly LogNotifier _notifier;

    public JsonFileLogWriter(string path, TimeProvider time, LogNotifier notifier)
    {
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        _time = time;
        _notifier = notifier;
    }

    /// <summary>Logs a chunk of output; whole lines are written to the file before this returns.</summary>
    public void Write(bool stderr, ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            var partial = stderr ? _partialErr : _partialOut;
            var now = _time.GetUtcNow();
            while (!data.IsEmpty)
            {
                var nl = data.IndexOf((byte)'\n');
                if (nl < 0 || partial.WrittenCount + nl + 1 > MaxLine)
                {
                    var room = MaxLine - partial.WrittenCount;
                    if (data.Length < room)
                    {
                        partial.Write(data);
                        break;
                    }
                    partial.Write(data[..room]);
                    data = data[room..];
                    Emit(stderr, partial.WrittenSpan, now);
                    partial.Clear();
                    continue;
                }
                var line = data[..(nl + 1)];
                data = data[(nl + 1)..];
                if (partial.WrittenCount > 0)
                {
                    partial.Write(line);
                    Emit(stderr, partial.WrittenSpan, now);
                    partial.Clear();
                }
                else
                {
                    Emit(stderr, line, now);
                }
            }
            FlushEncoded();
        }
        _notifier.Notify();
    }

    private void Emit(bool stderr, ReadOnlySpan<byte> line, DateTimeOffset now)
    {
        JsonLogEncoding.WriteLine(_encoded, stderr, line, now);
        if (_encoded.WrittenCount >= 256 * 1024)
        {
            FlushEncoded();
        }
    }

    private void FlushEncoded()
    {
        if (_encoded.WrittenCount > 0)
        {
            _file.Write(_encoded.WrittenSpan);
            _encoded.Clear();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_partialOut.WrittenCount > 0)
            {
                Emit(false, _partialOut.WrittenSpan, now);
                _partialOut.Clear();
            }
            if (_partialErr.WrittenCount > 0)
            {
                Emit(true, _partialErr.WrittenSpan, now);
                _partialErr.Clear();
            }
            FlushEncoded();
            _file.Dispose();
        }
        _notifier.Close();
    }
}
