using System.Buffers;
using System.Text;
using Engine.Core.Containers;
using Engine.Http.Hijack;
using Engine.Http.Routing;
using Engine.Http.Streams;

namespace Engine.Http.Tests;

public class FramingAndParserTests
{
    [Fact]
    public void Frame_header_is_stream_then_big_endian_size()
    {
        var writer = new ArrayBufferWriter<byte>();
        StreamFrameWriter.Write(writer, StdStream.Stderr, "hello"u8, raw: false);
        Assert.Equal(new byte[] { 2, 0, 0, 0, 0, 0, 0, 5, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' }, writer.WrittenSpan.ToArray());
        var big = new byte[0x010203];
        writer.Clear();
        StreamFrameWriter.Write(writer, StdStream.Stdout, big, raw: false);
        Assert.Equal(new byte[] { 1, 0, 0, 0, 0, 1, 2, 3 }, writer.WrittenSpan[..8].ToArray());
    }

    [Fact]
    public void Tty_output_is_raw()
    {
        var writer = new ArrayBufferWriter<byte>();
        StreamFrameWriter.Write(writer, StdStream.Stdout, "hi"u8, raw: true);
        Assert.Equal("hi"u8.ToArray(), writer.WrittenSpan.ToArray());
    }

    private static HttpRequestHead ParseHead(string text, out long headLength)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text));
        Assert.True(HttpRequestHead.TryFindEnd(buffer, out var end));
        headLength = buffer.Slice(0, end).Length;
        return HttpRequestHead.Parse(buffer.Slice(0, end))!;
    }

    [Fact]
    public void Head_with_bare_lf_and_upgrade()
    {
        var head = ParseHead("POST /v1.19/containers/abc/attach?stream=1&stdin=1 HTTP/1.1\nHost: docker\nUpgrade: tcp\nConnection: Upgrade\n\nSTDIN", out var length);
        Assert.Equal("POST", head.Method);
        Assert.Equal("/v1.19/containers/abc/attach", head.Path);
        Assert.Equal("stream=1&stdin=1", head.QueryString);
        Assert.True(head.WantsUpgrade);
        Assert.Equal("docker", head["host"]);
        Assert.Equal(length, Encoding.ASCII.GetByteCount("POST /v1.19/containers/abc/attach?stream=1&stdin=1 HTTP/1.1\nHost: docker\nUpgrade: tcp\nConnection: Upgrade\n\n"));
    }

    [Fact]
    public void Head_with_crlf_without_upgrade()
    {
        var head = ParseHead("POST /containers/abc/attach HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", out _);
        Assert.False(head.WantsUpgrade);
        Assert.Equal(0, head.ContentLength);
    }

    [Fact]
    public void Incomplete_head_and_malformed_head()
    {
        Assert.False(HttpRequestHead.TryFindEnd(new ReadOnlySequence<byte>("GET / HTTP/1.1\r\nHost: x\r\n"u8.ToArray()), out _));
        Assert.Null(HttpRequestHead.Parse(new ReadOnlySequence<byte>("NONSENSE\r\n\r\n"u8.ToArray())));
    }

    [Fact]
    public void Framing_follows_content_length_and_chunked_bodies()
    {
        var framing = new RequestFraming();
        framing.StartBody(ParseHead("POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\n", out _));
        Assert.Equal(3, framing.Advance(new ReadOnlySequence<byte>("abcGET"u8.ToArray())));
        Assert.True(framing.AtHead);

        framing.StartBody(ParseHead("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", out _));
        var body = new ReadOnlySequence<byte>("4\r\nwiki\r\n0\r\n\r\nGET"u8.ToArray());
        long total = 0;
        while (!framing.AtHead)
        {
            var n = framing.Advance(body.Slice(total));
            Assert.True(n > 0);
            total += n;
        }
        Assert.Equal("4\r\nwiki\r\n0\r\n\r\n".Length, total);
    }

    [Fact]
    public void Route_table_matches_image_names_with_slashes()
    {
        var routes = new EngineApiRoutes().Table;
        Assert.True(routes.TryMatch("GET", "/images/library/busybox:latest/json", out _, out var values));
        Assert.Equal("library/busybox:latest", values["name"]);
        Assert.True(routes.TryMatch("GET", "/images/json", out var list, out _));
        Assert.Equal((ApiHandler)Handlers.ImageHandlers.ListAsync, list);
        Assert.True(routes.TryMatch("DELETE", "/images/localhost:5000/a/b:1", out _, out values));
        Assert.Equal("localhost:5000/a/b:1", values["name"]);
        Assert.False(routes.TryMatch("GET", "/containers/abc/nothing", out _, out _));
        Assert.True(new HijackRoutes().Table.TryMatch("POST", "/containers/abc/attach", out _, out values));
        Assert.Equal("abc", values["id"]);
    }

    [Fact]
    public void Import_reference_split()
    {
        Assert.Equal(("repo", "tag"), Handlers.ImageHandlers.SplitReference("repo:tag", null));
        Assert.Equal(("localhost:5000/repo", (string?)null), Handlers.ImageHandlers.SplitReference("localhost:5000/repo", ""));
        Assert.Equal(("repo", "v1"), Handlers.ImageHandlers.SplitReference("repo", "v1"));
    }
}
