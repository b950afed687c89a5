using System.IO.Compression;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Engine.Storage.Interop;

namespace Engine.Storage.Archive;

/// <summary>
/// Records the bytes of a layer tar except the contents of regular files (headers, padding, end marker), and
/// where each file's contents went, so the exact same tar (same diffID) can be produced again from the
/// layer's files: what Docker's tar-split does, in a small format of our own (gzip of records:
/// 'R' int32 length, bytes | 'F' path, int64 offset, int64 length | 'E' int64 total).
/// </summary>
public sealed class TarSplitRecorder : IDisposable
{
    private readonly Stream _file;
    private readonly GZipStream _gzip;
    private readonly BinaryWriter _writer;
    private readonly MemoryStream _raw = new();
    private string? _payload;
    private long _payloadBytes;
    private bool _completed;

    public TarSplitRecorder(string path)
    {
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        _gzip = new GZipStream(_file, CompressionLevel.Fastest, leaveOpen: true);
        _writer = new BinaryWriter(_gzip, Encoding.UTF8, leaveOpen: true);
    }

    /// <summary>Every byte of the tar stream, in order (wired to <see cref="DigestingStream.Observer"/>).</summary>
    public void Observe(ReadOnlySpan<byte> data)
    {
        if (_payload is not null)
        {
            _payloadBytes += data.Length;
            return;
        }
        _raw.Write(data);
        if (_raw.Length >= 1 << 16)
        {
            FlushRaw();
        }
    }

    /// <summary>The next bytes read are the contents of the file at <paramref name="relativePath"/> in the layer.</summary>
    public void BeginPayload(string relativePath)
    {
        FlushRaw();
        _payload = relativePath;
        _payloadBytes = 0;
    }

    public void EndPayload(long entryLength)
    {
        _writer.Write((byte)'F');
        _writer.Write(_payload!);
        _writer.Write(entryLength - _payloadBytes); // bytes a header read may already have taken (then they are in R)
        _writer.Write(_payloadBytes);
        _payload = null;
    }

    public void Complete(long total)
    {
        FlushRaw();
        _writer.Write((byte)'E');
        _writer.Write(total);
        _writer.Dispose();
        _gzip.Dispose();
        _completed = true;
        _file.Flush();
        ((FileStream)_file).Flush(flushToDisk: true);
    }

    private void FlushRaw()
    {
        if (_raw.Length == 0)
        {
            return;
        }
        _writer.Write((byte)'R');
        _writer.Write((int)_raw.Length);
        _writer.Write(_raw.GetBuffer(), 0, (int)_raw.Length);
        _raw.SetLength(0);
    }

    public void Dispose()
    {
        if (!_completed)
        {
            _completed = true;
            try
            {
                _writer.Dispose();
                _gzip.Dispose();
            }
            catch (IOException)
            {
                // a failed apply: the file is deleted anyway
            }
        }
        _file.Dispose();
    }

    /// <summary>
    /// Produces the recorded tar again, reading file contents from <paramref name="root"/>, and fails the stream
    /// when the result does not hash to <paramref name="expectedDiffId"/>.
    /// </summary>
    public static Stream Replay(string splitFile, string root, string expectedDiffId) => StreamProducer.Start(async output =>
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = File.OpenRead(splitFile);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new BinaryReader(gzip, Encoding.UTF8);
        var buffer = new byte[81920];
        while (true)
        {
            var kind = reader.ReadByte();
            if (kind == 'E')
            {
                break;
            }
            if (kind == 'R')
            {
                var length = reader.ReadInt32();
                var bytes = reader.ReadBytes(length);
                hash.AppendData(bytes);
                await output.WriteAsync(bytes).ConfigureAwait(false);
                continue;
            }
            if (kind != 'F')
            {
                throw new InvalidDataException($"corrupt tar-split record in {splitFile}");
            }
            var rel = reader.ReadString();
            var offset = reader.ReadInt64();
            var count = reader.ReadInt64();
            var path = RootPath.Resolve(root, rel, create: false);
            if (Sys.LStat(path) is not { IsRegular: true })
            {
                throw new IOException($"layer file {rel} is missing from {root}");
            }
            await using var content = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            content.Position = offset;
            while (count > 0)
            {
                var n = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count))).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new IOException($"layer file {rel} in {root} is shorter than when it was registered");
                }
                hash.AppendData(buffer, 0, n);
                await output.WriteAsync(buffer.AsMemory(0, n)).ConfigureAwait(false);
                count -= n;
            }
        }
        var actual = "sha256:" + Convert.ToHexStringLower(hash.GetCurrentHash());
        if (actual != expectedDiffId)
        {
            throw new IOException($"layer content in {root} changed since it was registered: expected {expectedDiffId}, got {actual}");
        }
    });
}

/// <summary>A read stream fed by a producer running on its own task through a pipe; the producer's failure fails the reader.</summary>
internal static class StreamProducer
{
    public static Stream Start(Func<Stream, Task> produce)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19));
        _ = Task.Run(async () =>
        {
            try
            {
                var output = pipe.Writer.AsStream(leaveOpen: true);
                await produce(output).ConfigureAwait(false);
                await output.FlushAsync().ConfigureAwait(false);
                await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
            }
        });
        return pipe.Reader.AsStream();
    }
}
