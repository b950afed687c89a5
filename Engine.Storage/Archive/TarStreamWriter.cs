using System.Text;

namespace Engine.Storage.Archive;

/// <summary>
/// Writes a ustar archive of directories and files of known length straight to a stream, streaming file
/// contents (System.Formats.Tar wants a seekable data stream to learn the size; a layer export is not one).
/// Names must fit ustar's 100 + 155 bytes; sizes beyond 8 GiB use the base-256 form.
/// </summary>
internal sealed class TarStreamWriter(Stream output, DateTimeOffset time)
{
    private readonly long _mtime = time.ToUnixTimeSeconds();

    public Task DirectoryAsync(string name, CancellationToken cancellationToken) =>
        output.WriteAsync(Header(name.TrimEnd('/') + "/", '5', 0, 0x1ED), cancellationToken).AsTask();

    public async Task FileAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        await output.WriteAsync(Header(name, '0', content.Length, 0x1A4), cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(content, cancellationToken).ConfigureAwait(false);
        await PadAsync(content.Length, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies exactly <paramref name="length"/> bytes from <paramref name="content"/>; fewer or more is an error.</summary>
    public async Task FileAsync(string name, Stream content, long length, CancellationToken cancellationToken)
    {
        await output.WriteAsync(Header(name, '0', length, 0x1A4), cancellationToken).ConfigureAwait(false);
        var buffer = new byte[81920];
        long copied = 0;
        while (true)
        {
            var n = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }
            copied += n;
            if (copied > length)
            {
                throw new IOException($"{name}: more than the announced {length} bytes");
            }
            await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
        }
        if (copied != length)
        {
            throw new IOException($"{name}: {copied} bytes instead of the announced {length}");
        }
        await PadAsync(length, cancellationToken).ConfigureAwait(false);
    }

    public Task FinishAsync(CancellationToken cancellationToken) => output.WriteAsync(new byte[1024], cancellationToken).AsTask();

    private Task PadAsync(long length, CancellationToken cancellationToken)
    {
        var pad = (int)((512 - length % 512) % 512);
        return pad == 0 ? Task.CompletedTask : output.WriteAsync(new byte[pad], cancellationToken).AsTask();
    }

    private byte[] Header(string name, char type, long size, int mode)
    {
        var header = new byte[512];
        var bytes = Encoding.UTF8.GetBytes(name);
        if (bytes.Length <= 100)
        {
            bytes.CopyTo(header, 0);
        }
        else
        {
            var split = Array.LastIndexOf(bytes, (byte)'/', Math.Min(bytes.Length - 1, 155));
            if (split <= 0 || bytes.Length - split - 1 > 100)
            {
                throw new ArgumentException($"name too long for ustar: {name}", nameof(name));
            }
            bytes.AsSpan(split + 1).CopyTo(header);
            bytes.AsSpan(0, split).CopyTo(header.AsSpan(345));
        }
        Octal(header.AsSpan(100, 8), mode);
        Octal(header.AsSpan(108, 8), 0);
        Octal(header.AsSpan(116, 8), 0);
        if (size < 8L * 1024 * 1024 * 1024)
        {
            Octal(header.AsSpan(124, 12), size);
        }
        else
        {
            header[124] = 0x80;
            for (var i = 0; i < 8; i++)
            {
                header[135 - i] = (byte)(size >> (8 * i));
            }
        }
        Octal(header.AsSpan(136, 12), _mtime);
        header[156] = (byte)type;
        "ustar\0"u8.CopyTo(header.AsSpan(257));
        "00"u8.CopyTo(header.AsSpan(263));
        header.AsSpan(148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in header)
        {
            sum += b;
        }
        Octal(header.AsSpan(148, 7), sum);
        return header;
    }

    private static void Octal(Span<byte> field, long value)
    {
        var s = Convert.ToString(value, 8).PadLeft(field.Length - 1, '0');
        Encoding.ASCII.GetBytes(s).CopyTo(field);
        field[^1] = 0;
    }
}
