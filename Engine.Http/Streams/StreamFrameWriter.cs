using System.Buffers;
using System.Buffers.Binary;
using Engine.Core.Containers;

namespace Engine.Http.Streams;

/// <summary>
/// Docker's multiplexed stream framing: an 8-byte header [stream, 0, 0, 0, size as big-endian
/// uint32] before each payload. With a TTY, output is raw and no header is written.
/// </summary>
internal static class StreamFrameWriter
{
    public const int HeaderSize = 8;

    public static void WriteHeader(Span<byte> destination, StdStream stream, int length)
    {
        destination[0] = (byte)stream;
        destination[1] = 0;
        destination[2] = 0;
        destination[3] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], (uint)length);
    }

    /// <summary>Writes one frame (or the raw bytes when <paramref name="raw"/>) into <paramref name="writer"/>; no flush.</summary>
    public static void Write(IBufferWriter<byte> writer, StdStream stream, ReadOnlySpan<byte> payload, bool raw)
    {
        if (!raw)
        {
            WriteHeader(writer.GetSpan(HeaderSize), stream, payload.Length);
            writer.Advance(HeaderSize);
        }
        writer.Write(payload);
    }

    /// <summary>Writes a timestamp prefix and payload as one frame.</summary>
    public static void Write(IBufferWriter<byte> writer, StdStream stream, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> payload, bool raw)
    {
        if (!raw)
        {
            WriteHeader(writer.GetSpan(HeaderSize), stream, prefix.Length + payload.Length);
            writer.Advance(HeaderSize);
        }
        writer.Write(prefix);
        writer.Write(payload);
    }
}
