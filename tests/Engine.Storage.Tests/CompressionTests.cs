using System.IO.Compression;
using System.Text;
using Engine.Storage.Archive;
using SharpCompress.Compressors.BZip2;

namespace Engine.Storage.Tests;

public class CompressionTests
{
    // `tar cf - h.txt | xz` where h.txt holds "hello xz\n" (SharpCompress reads xz but cannot write it).
    private const string XzTar = "/Td6WFoAAATm1rRGAgAhARYAAAB0L+Wj4Cf/AHRdADQLiofEDvKXpPh1PcWp7dmXqZhUhmywxNDUCmGXfmTUpGPoVJ/y5GFccrgHUIDWiyHRX/eXZZgeRTLFstPsB/kH6QGzb9H3UXzGIKJ6Ykc1y//S8fVwfj3GD6M2buT2ZHo+vQq1BVb4ANoOhVoFFTnrHBAAAPpDR29cuwXUAAGQAYBQAAClc7ZiscRn+wIAAAAABFla";

    private static readonly byte[] Payload = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("layer data 0123456789\n", 5000)));

    [Theory]
    [InlineData(new byte[] { 0x1F, 0x8B, 0x08, 0, 0, 0 }, Compression.Gzip)]
    [InlineData(new byte[] { 0x42, 0x5A, 0x68, 0x39, 0x31, 0x41 }, Compression.Bzip2)]
    [InlineData(new byte[] { 0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00 }, Compression.Xz)]
    [InlineData(new byte[] { 0x28, 0xB5, 0x2F, 0xFD, 0x04, 0x00 }, Compression.Zstd)]
    [InlineData(new byte[] { (byte)'e', (byte)'t', (byte)'c', (byte)'/', 0, 0 }, Compression.None)]
    [InlineData(new byte[] { 0x1F }, Compression.None)]
    [InlineData(new byte[0], Compression.None)]
    public void DetectsFromMagicBytes(byte[] header, Compression expected) =>
        Assert.Equal(expected, Decompression.Detect(header));

    private static async Task<byte[]> RoundTrip(byte[] compressed, Compression expected)
    {
        var (stream, compression) = await Decompression.OpenAsync(new MemoryStream(compressed));
        Assert.Equal(expected, compression);
        using var output = new MemoryStream();
        await using (stream)
        {
            await stream.CopyToAsync(output);
        }
        return output.ToArray();
    }

    [Fact]
    public async Task Plain()
    {
        Assert.Equal(Payload, await RoundTrip(Payload, Compression.None));
        Assert.Equal(new byte[] { 1, 2 }, await RoundTrip([1, 2], Compression.None));
    }

    [Fact]
    public async Task Gzip()
    {
        var ms = new MemoryStream();
        await using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(Payload);
        }
        Assert.Equal(Payload, await RoundTrip(ms.ToArray(), Compression.Gzip));
    }

    [Fact]
    public async Task Bzip2()
    {
        var ms = new MemoryStream();
        using (var bz = BZip2Stream.Create(ms, SharpCompress.Compressors.CompressionMode.Compress, false, leaveOpen: true, false))
        {
            bz.Write(Payload);
        }
        Assert.Equal(Payload, await RoundTrip(ms.ToArray(), Compression.Bzip2));
    }

    [Fact]
    public async Task Zstd()
    {
        var compressed = new ZstdSharp.Compressor(3).Wrap(Payload).ToArray();
        Assert.Equal(Payload, await RoundTrip(compressed, Compression.Zstd));
    }

    [Fact]
    public async Task Xz()
    {
        var tar = await RoundTrip(Convert.FromBase64String(XzTar), Compression.Xz);
        var reader = new System.Formats.Tar.TarReader(new MemoryStream(tar));
        var entry = reader.GetNextEntry()!;
        Assert.Equal("h.txt", entry.Name);
        Assert.Equal("hello xz\n", new StreamReader(entry.DataStream!).ReadToEnd());
    }
}
