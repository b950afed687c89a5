using System.Text;
using Engine.Core.Containers;
using Engine.Core.Logs;
using Engine.TestKit;

namespace Engine.Core.Tests.Logs;

public sealed class JsonFileLogTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDir("jsonlog");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly DateTimeOffset T0 = new(2015, 1, 6, 15, 47, 31, TimeSpan.Zero);

    [Fact]
    public void Writes_Dockers_exact_line_format()
    {
        var path = Path.Combine(_dir, "a.log");
        var notifier = new LogNotifier();
        using (var writer = new JsonFileLogWriter(path, new FixedTime(T0.AddTicks(4853313)), notifier))
        {
            writer.Write(false, "hello <world> & \"q\"\n"u8);
            writer.Write(true, "tab\there\r\n"u8);
        }
        var text = File.ReadAllText(path);
        Assert.Equal(
            "{\"log\":\"hello \\u003cworld\\u003e \\u0026 \\\"q\\\"\\n\",\"stream\":\"stdout\",\"time\":\"2015-01-06T15:47:31.4853313Z\"}\n" +
            "{\"log\":\"tab\\there\\r\\n\",\"stream\":\"stderr\",\"time\":\"2015-01-06T15:47:31.4853313Z\"}\n",
            text);
        Assert.True(notifier.IsClosed);
    }

    [Fact]
    public void Splits_at_newlines_keeps_partial_lines_until_close_and_escapes_invalid_utf8()
    {
        var path = Path.Combine(_dir, "b.log");
        using (var writer = new JsonFileLogWriter(path, new FixedTime(T0), new LogNotifier()))
        {
            writer.Write(false, "one\ntw"u8);
            writer.Write(false, "o\nthr"u8);
            writer.Write(false, [0xff, 0x01]);
        }
        var lines = File.ReadAllLines(path);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("{\"log\":\"one\\n\"", lines[0]);
        Assert.StartsWith("{\"log\":\"two\\n\"", lines[1]);
        Assert.StartsWith("{\"log\":\"thr\\ufffd\\u0001\",", lines[2]);
        Assert.EndsWith("\"time\":\"2015-01-06T15:47:31Z\"}", lines[2]);
    }

    [Fact]
    public void Long_lines_are_cut_at_16KiB()
    {
        var path = Path.Combine(_dir, "c.log");
        using (var writer = new JsonFileLogWriter(path, new FixedTime(T0), new LogNotifier()))
        {
            writer.Write(false, Encoding.ASCII.GetBytes(new string('x', 40000) + "\n"));
        }
        var lines = File.ReadAllLines(path);
        Assert.Equal(3, lines.Length);
        Assert.Contains(new string('x', 16384) + "\"", lines[0]);
    }

    [Fact]
    public async Task Reader_filters_streams_and_tails()
    {
        var path = Path.Combine(_dir, "d.log");
        using (var writer = new JsonFileLogWriter(path, new FixedTime(T0), new LogNotifier()))
        {
            for (var i = 0; i < 10; i++)
            {
                writer.Write(i % 2 == 1, Encoding.ASCII.GetBytes($"line {i}\n"));
            }
        }
        var all = await Read(path, new LogsOptions { Stdout = true, Stderr = true });
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"line {i}\n"), all.Select(e => Encoding.ASCII.GetString(e.Data.Span)));
        Assert.Equal(StdStream.Stderr, all[1].Stream);
        Assert.Equal(T0, all[0].Time);

        var errOnly = await Read(path, new LogsOptions { Stderr = true });
        Assert.Equal(5, errOnly.Count);

        var tail = await Read(path, new LogsOptions { Stdout = true, Stderr = true, Tail = 3 });
        Assert.Equal(["line 7\n", "line 8\n", "line 9\n"], tail.Select(e => Encoding.ASCII.GetString(e.Data.Span)));

        var none = await Read(path, new LogsOptions { Stdout = true, Stderr = true, Tail = 0 });
        Assert.Empty(none);
    }

    [Fact]
    public async Task Follow_sees_appended_lines_and_ends_when_the_writer_closes()
    {
        var path = Path.Combine(_dir, "e.log");
        var notifier = new LogNotifier();
        var writer = new JsonFileLogWriter(path, TimeProvider.System, notifier);
        writer.Write(false, "first\n"u8);
        var seen = new List<string>();
        var reading = Task.Run(async () =>
        {
            await foreach (var e in JsonFileLogReader.ReadAsync(path, new LogsOptions { Stdout = true, Follow = true }, notifier, CancellationToken.None))
            {
                lock (seen)
                {
                    seen.Add(Encoding.ASCII.GetString(e.Data.Span));
                }
                if (seen.Count == 1)
                {
                    writer.Write(false, "second\n"u8);
                    writer.Dispose();
                }
            }
        });
        await reading.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["first\n", "second\n"], seen);
    }

    [Fact]
    public void Parses_lines_written_by_Docker_with_nanoseconds()
    {
        var ok = JsonLogEncoding.TryParseLine("{\"log\":\"hi\\n\",\"stream\":\"stderr\",\"time\":\"2015-01-06T15:47:32.080254511Z\"}"u8, out var stderr, out var log, out var time);
        Assert.True(ok);
        Assert.True(stderr);
        Assert.Equal("hi\n"u8.ToArray(), log);
        Assert.Equal(new DateTimeOffset(2015, 1, 6, 15, 47, 32, TimeSpan.Zero).AddTicks(802545), time);
    }

    private static async Task<List<LogEntry>> Read(string path, LogsOptions options)
    {
        var list = new List<LogEntry>();
        await foreach (var e in JsonFileLogReader.ReadAsync(path, options, null, CancellationToken.None))
        {
            list.Add(e);
        }
        return list;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
