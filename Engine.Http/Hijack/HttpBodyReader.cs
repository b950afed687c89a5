using System.Buffers;
using System.IO.Pipelines;
using Engine.Http.Errors;

namespace Engine.Http.Hijack;

/// <summary>Reads the (small) body of a hijacked request, Content-Length or chunked, leaving what follows in the reader.</summary>
internal static class HttpBodyReader
{
    public static async Task<byte[]> ReadAsync(PipeReader input, HttpRequestHead head, int limit, CancellationToken cancellationToken)
    {
        if (head.IsChunked)
        {
            return await ReadChunkedAsync(input, limit, cancellationToken);
        }
        var length = head.ContentLength ?? 0;
        if (length < 0 || length > limit)
        {
            throw new BadHttpInputException("invalid or too large request body");
        }
        if (length == 0)
        {
            return [];
        }
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            if (result.Buffer.Length >= length)
            {
                var body = result.Buffer.Slice(0, length).ToArray();
                input.AdvanceTo(result.Buffer.GetPosition(length));
                return body;
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                throw new IOException("the client closed the connection inside a request body");
            }
            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static async Task<byte[]> ReadChunkedAsync(PipeReader input, int limit, CancellationToken cancellationToken)
    {
        var framing = new RequestFraming();
        framing.StartBody(ChunkedMarker.Head);
        using var body = new MemoryStream();
        var inData = false;
        while (!framing.AtHead)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            while (!buffer.IsEmpty && !framing.AtHead)
            {
                var before = framing.InChunkData;
                var consumed = framing.Advance(buffer);
                if (consumed == 0 || framing.IsPassThrough)
                {
                    if (framing.IsPassThrough)
                    {
                        throw new BadHttpInputException("malformed chunked request body");
                    }
                    break;
                }
                inData = before;
                if (inData)
                {
                    foreach (var segment in buffer.Slice(0, consumed))
                    {
                        body.Write(segment.Span);
                    }
                    if (body.Length > limit)
                    {
                        throw new BadHttpInputException("request body too large");
                    }
                }
                buffer = buffer.Slice(consumed);
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (!framing.AtHead && (result.IsCompleted || result.IsCanceled))
            {
                throw new IOException("the client closed the connection inside a request body");
            }
        }
        return body.ToArray();
    }

    private static class ChunkedMarker
    {
        public static readonly HttpRequestHead Head = HttpRequestHead.Parse(new ReadOnlySequence<byte>("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray()))!;
    }
}
