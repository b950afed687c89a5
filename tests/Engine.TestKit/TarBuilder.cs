using System.Formats.Tar;
using System.Text;

namespace Engine.TestKit;

/// <summary>
/// Builds tar archives in memory for tests: ordinary entries, aufs whiteouts, and hostile ones (names with "..",
/// absolute names, links pointing out, raw headers, truncation), like containerd's tartest.
/// </summary>
public sealed class TarBuilder
{
    private readonly MemoryStream _buffer = new();
    private TarWriter _writer;
    private bool _closed;
    private int _truncateBy;

    public TarBuilder(TarEntryFormat format = TarEntryFormat.Pax)
    {
        Format = format;
        _writer = new TarWriter(_buffer, format, leaveOpen: true);
    }

    public TarEntryFormat Format { get; }

    /// <summary>Modification time given to entries (fixed, so archives are reproducible).</summary>
    public DateTimeOffset Time { get; set; } = new(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private TarEntry New(TarEntryType type, string name) => Format switch
    {
        TarEntryFormat.Gnu => new GnuTarEntry(type, name),
        TarEntryFormat.Ustar => new UstarTarEntry(type, name),
        TarEntryFormat.V7 => new V7TarEntry(type == TarEntryType.RegularFile ? TarEntryType.V7RegularFile : type, name),
        _ => new PaxTarEntry(type, name),
    };

    private TarBuilder Add(TarEntry entry, int uid, int gid, UnixFileMode mode)
    {
        entry.Uid = uid;
        entry.Gid = gid;
        entry.Mode = mode;
        entry.ModificationTime = Time;
        if (_closed)
        {
            TrimEndMarker();
            _writer = new TarWriter(_buffer, Format, leaveOpen: true);
            _closed = false;
        }
        _writer.WriteEntry(entry);
        return this;
    }

    public TarBuilder File(string name, string content, UnixFileMode mode = (UnixFileMode)0x1A4, int uid = 0, int gid = 0, IDictionary<string, string>? xattrs = null) =>
        File(name, Encoding.UTF8.GetBytes(content), mode, uid, gid, xattrs);

    public TarBuilder File(string name, byte[] content, UnixFileMode mode = (UnixFileMode)0x1A4, int uid = 0, int gid = 0, IDictionary<string, string>? xattrs = null)
    {
        TarEntry entry;
        if (xattrs is not null)
        {
            var ext = xattrs.ToDictionary(kv => "SCHILY.xattr." + kv.Key, kv => kv.Value);
            entry = new PaxTarEntry(TarEntryType.RegularFile, name, ext);
        }
        else
        {
            entry = New(TarEntryType.RegularFile, name);
        }
        entry.DataStream = new MemoryStream(content);
        return Add(entry, uid, gid, mode);
    }

    public TarBuilder Dir(string name, UnixFileMode mode = (UnixFileMode)0x1ED, int uid = 0, int gid = 0, IDictionary<string, string>? xattrs = null)
    {
        var entry = xattrs is null
            ? New(TarEntryType.Directory, name)
            : new PaxTarEntry(TarEntryType.Directory, name, xattrs.ToDictionary(kv => "SCHILY.xattr." + kv.Key, kv => kv.Value));
        return Add(entry, uid, gid, mode);
    }

    public TarBuilder Symlink(string name, string target)
    {
        var entry = New(TarEntryType.SymbolicLink, name);
        entry.LinkName = target;
        return Add(entry, 0, 0, (UnixFileMode)0x1FF);
    }

    public TarBuilder Hardlink(string name, string target, UnixFileMode mode = (UnixFileMode)0x1A4)
    {
        var entry = New(TarEntryType.HardLink, name);
        entry.LinkName = target;
        return Add(entry, 0, 0, mode);
    }

    public TarBuilder CharDevice(string name, int major, int minor, UnixFileMode mode = (UnixFileMode)0x1B6)
    {
        var entry = (PosixTarEntry)New(TarEntryType.CharacterDevice, name);
        entry.DeviceMajor = major;
        entry.DeviceMinor = minor;
        return Add(entry, 0, 0, mode);
    }

    public TarBuilder Fifo(string name, UnixFileMode mode = (UnixFileMode)0x1A4) => Add(New(TarEntryType.Fifo, name), 0, 0, mode);

    /// <summary>An aufs whiteout for <paramref name="path"/>: an empty file named <c>dir/.wh.name</c>.</summary>
    public TarBuilder Whiteout(string path)
    {
        var slash = path.LastIndexOf('/');
        var name = slash < 0 ? ".wh." + path : path[..(slash + 1)] + ".wh." + path[(slash + 1)..];
        return File(name, "", (UnixFileMode)0x180);
    }

    /// <summary>The opaque marker <c>dir/.wh..wh..opq</c>: hide everything below <paramref name="dir"/> in lower layers.</summary>
    public TarBuilder Opaque(string dir) => File(dir.TrimEnd('/') + "/.wh..wh..opq", "", (UnixFileMode)0x180);

    /// <summary>A ustar header written byte by byte (type flag, name and link name as given, checksum computed).</summary>
    public TarBuilder RawHeader(string name, char typeFlag, string linkName = "", byte[]? content = null, int mode = 0x1A4)
    {
        _writer.Dispose();
        _closed = true;
        content ??= [];
        var header = new byte[512];
        Encoding.ASCII.GetBytes(name).AsSpan(0, Math.Min(100, name.Length)).CopyTo(header);
        Octal(header.AsSpan(100, 8), mode);
        Octal(header.AsSpan(108, 8), 0);
        Octal(header.AsSpan(116, 8), 0);
        Octal(header.AsSpan(124, 12), content.Length);
        Octal(header.AsSpan(136, 12), Time.ToUnixTimeSeconds());
        header[156] = (byte)typeFlag;
        Encoding.ASCII.GetBytes(linkName).AsSpan(0, Math.Min(100, linkName.Length)).CopyTo(header.AsSpan(157));
        "ustar\0"u8.CopyTo(header.AsSpan(257));
        "00"u8.CopyTo(header.AsSpan(263));
        header.AsSpan(148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in header)
        {
            sum += b;
        }
        Octal(header.AsSpan(148, 7), sum);
        _buffer.Seek(0, SeekOrigin.End);
        TrimEndMarker();
        _buffer.Write(header);
        _buffer.Write(content);
        _buffer.Write(new byte[(512 - content.Length % 512) % 512]);
        _buffer.Write(new byte[1024]);
        return this;
    }

    private void TrimEndMarker()
    {
        // Drop trailing zero blocks (the end-of-archive marker) so raw headers append inside the archive.
        var bytes = _buffer.GetBuffer();
        var length = (int)_buffer.Length;
        while (length >= 512 && bytes.AsSpan(length - 512, 512).IndexOfAnyExcept((byte)0) < 0)
        {
            length -= 512;
        }
        _buffer.SetLength(length);
        _buffer.Seek(0, SeekOrigin.End);
    }

    private static void Octal(Span<byte> field, long value)
    {
        var s = Convert.ToString(value, 8).PadLeft(field.Length - 1, '0');
        Encoding.ASCII.GetBytes(s).CopyTo(field);
        field[^1] = 0;
    }

    /// <summary>Cuts the finished archive short by <paramref name="bytes"/> (after the end marker is removed).</summary>
    public TarBuilder Truncate(int bytes)
    {
        _truncateBy = bytes;
        return this;
    }

    public byte[] ToArray()
    {
        _writer.Dispose();
        _closed = true;
        if (_truncateBy > 0)
        {
            TrimEndMarker();
            return _buffer.ToArray()[..Math.Max(0, (int)_buffer.Length - _truncateBy)];
        }
        return _buffer.ToArray();
    }

    public MemoryStream ToStream() => new(ToArray());
}
