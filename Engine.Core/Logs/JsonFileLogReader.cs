using System.Runtime.CompilerServices;
using Engine.Core.Containers;

namespace Engine.Core.Logs;

/// <summary>Reads a json-file log: all of it or the last N lines, then (following) what is appended until the writer closes.</summary>
internal static class JsonFileLogReader
{
    private const int BufferSize = 64 * 1024;

    public static async IAsyncEnumerable<LogEntry> ReadAsync(string path, LogsOptions options, LogNotifier? follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            yield break;
        }
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
        if (options.Tail is { } tail)
        {
            file.Position = tail <= 0 ? file.Length : FindTailStart(file, tail);
        }
        var buffer = new byte[BufferSize];
        var start = 0;
        var end = 0;
        while (true)
        {
            // Take the change signal before reading, so an append between the read and the wait is not missed.
            var closedBefore = follow?.IsClosed ?? true;
            var changed = follow?.NextChange();
            var n = await file.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                if (closedBefore)
                {
                    yield break;
                }
                await changed!.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            end += n;
            while (true)
            {
                var nl = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                if (nl < 0)
                {
                    break;
                }
                var ok = JsonLogEncoding.TryParseLine(buffer.AsSpan(start, nl), out var stderr, out var log, out var time);
                start += nl + 1;
                if (!ok || (stderr ? !options.Stderr : !options.Stdout) || (options.Since is { } since && time < since))
                {
                    continue;
                }
                yield return new LogEntry(stderr ? StdStream.Stderr : StdStream.Stdout, time, log);
            }
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
    }

    /// <summary>Offset of the first of the last <paramref name="lines"/> lines, scanning backwards from the end.</summary>
    private static long FindTailStart(FileStream file, int lines)
    {
        var chunk = new byte[BufferSize];
        var position = file.Length;
        var seen = 0;
        // The file ends with '\n'; the first newline found from the end closes the last line.
        var skipFirst = true;
        while (position > 0)
        {
            var size = (int)Math.Min(chunk.Length, position);
            position -= size;
            file.Position = position;
            file.ReadExactly(chunk, 0, size);
            for (var i = size - 1; i >= 0; i--)
            {
                if (chunk[i] != '\n')
                {
                    continue;
                }
                if (skipFirst && position + i == file.Length - 1)
                {
                    skipFirst = false;
                    continue;
                }
                if (++seen == lines)
                {
                    return position + i + 1;
                }
            }
        }
        return 0;
    }
}
