using System.Buffers;
using System.Globalization;
using System.Text;

namespace Engine.Http.Hijack;

/// <summary>
/// Follows where one forwarded request ends: a Content-Length body, a chunked body (sizes, data,
/// trailers), or none. After something it cannot follow it passes everything through for good.
/// </summary>
internal sealed class RequestFraming
{
    private const int MaxLine = 8 * 1024;

    private State _state = State.Head;
    private long _remaining;

    private enum State
    {
        Head,
        Fixed,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        PassThrough,
    }

    /// <summary>True when the next bytes are a new request head.</summary>
    public bool AtHead => _state == State.Head;

    public bool IsPassThrough => _state == State.PassThrough;

    /// <summary>True while the next bytes are chunk payload (not framing).</summary>
    public bool InChunkData => _state == State.ChunkData;

    public void PassThrough() => _state = State.PassThrough;

    /// <summary>Sets up the body that follows a forwarded head.</summary>
    public void StartBody(HttpRequestHead head)
    {
        if (head.WantsUpgrade || head.Method.Equals("CONNECT", StringComparison.OrdinalIgnoreCase))
        {
            // Kestrel may switch protocols: the rest of the connection is not HTTP requests.
            _state = State.PassThrough;
        }
        else if (head.HasTransferEncoding)
        {
            _state = head.IsChunked ? State.ChunkSize : State.PassThrough;
        }
        else if (head.ContentLength is { } length)
        {
            _state = length < 0 ? State.PassThrough : length == 0 ? State.Head : State.Fixed;
            _remaining = length;
        }
        else
        {
            _state = State.Head;
        }
    }

    /// <summary>How many bytes at the start of <paramref name="buffer"/> belong to the current body; 0 when more input is needed.</summary>
    public long Advance(in ReadOnlySequence<byte> buffer)
    {
        switch (_state)
        {
            case State.PassThrough:
                return buffer.Length;
            case State.Fixed:
            case State.ChunkData:
            {
                var n = Math.Min(_remaining, buffer.Length);
                _remaining -= n;
                if (_remaining == 0)
                {
                    _state = _state == State.Fixed ? State.Head : State.ChunkDataEnd;
                }
                return n;
            }
            default:
            {
                var newline = buffer.PositionOf((byte)'\n');
                if (newline is null)
                {
                    if (buffer.Length > MaxLine)
                    {
                        _state = State.PassThrough;
                        return buffer.Length;
                    }
                    return 0;
                }
                var line = buffer.Slice(0, newline.Value);
                var consumed = line.Length + 1;
                var text = Encoding.Latin1.GetString(line).TrimEnd('\r');
                switch (_state)
                {
                    case State.ChunkSize:
                        var semicolon = text.IndexOf(';');
                        var sizeText = (semicolon < 0 ? text : text[..semicolon]).Trim();
                        if (!long.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
                        {
                            _state = State.PassThrough;
                            return buffer.Length;
                        }
                        _remaining = size;
                        _state = size == 0 ? State.Trailers : State.ChunkData;
                        break;
                    case State.ChunkDataEnd:
                        _state = State.ChunkSize;
                        break;
                    case State.Trailers:
                        if (text.Length == 0)
                        {
                            _state = State.Head;
                        }
                        break;
                    default:
                        throw new InvalidOperationException($"No body to advance in state {_state}.");
                }
                return consumed;
            }
        }
    }
}
