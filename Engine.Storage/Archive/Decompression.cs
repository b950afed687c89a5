using System.IO.Compression;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.Xz;
using ZstdSharp;

namespace Engine.Storage.Archive;

/// <summary>Detects compression from magic bytes (never from names) and wraps a stream to decompress it while reading.</summary>
public static class Decompression
{
    /// <summary>Bytes needed to recognise every supported format.</summary>
    public const int MagicLength = 6;

    private static ReadOnlySpan<byte> GzipMagic => [0x1F, 0x8B, 0x08];
    private static ReadOnlySpan<byte> Bzip2Magic => [0x42, 0x5A, 0x68];
    private static ReadOnlySpan<byte> XzMagic => [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00];
    private static ReadOnlySpan<byte> ZstdMagic => [0x28, 0xB5, 0x2F, 0xFD];

    public static Compression Detect(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith(GzipMagic))
        {
            return Compression.Gzip;
        }
        if (header.StartsWith(Bzip2Magic))
        {
            return Compression.Bzip2;
        }
        if (header.StartsWith(XzMagic))
        {
            return Compression.Xz;
        }
        if (header.StartsWith(ZstdMagic))
        {
            return Compression.Zstd;
        }
        return Compression.None;
    }

    /// <summary>
    /// Reads the first bytes of <paramref name="source"/>, detects its compression and returns a stream of the
    /// decompressed bytes. Nothing is buffered beyond the magic bytes and the decompressors' own windows.
    /// Disposing the result disposes <paramref name="source"/> unless <paramref name="leaveOpen"/>.
    /// </summary>
    public static async Task<(Stream Stream, Compression Compression)> OpenAsync(Stream source, bool leaveOpen = false, CancellationToken cancellationToken = default)
    {
        var head = new byte[MagicLength];
        var n = await source.ReadAtLeastAsync(head, MagicLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var compression = Detect(head.AsSpan(0, n));
        Stream prefixed = new PrefixedStream(head.AsMemory(0, n), source, leaveOpen);
        return (compression switch
        {
            Compression.Gzip => new GZipStream(prefixed, CompressionMode.Decompress, leaveOpen: false),
            Compression.Bzip2 => BZip2Stream.Create(prefixed, SharpCompress.Compressors.CompressionMode.Decompress, decompressConcatenated: true, leaveOpen: false, tolerateTruncatedStream: false),
            Compression.Xz => new XZStream(prefixed),
            Compression.Zstd => new DecompressionStream(prefixed, 0, checkEndOfStream: true, leaveOpen: false),
            _ => prefixed,
        }, compression);
    }
}
