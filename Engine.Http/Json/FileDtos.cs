using System.Text.Json.Serialization;
using Engine.Core.Containers;

namespace Engine.Http.Json;

// Wire shapes of the container file-system endpoints: changes, copy, archive.

/// <summary>One entry of GET /containers/(id)/changes.</summary>
internal sealed class ContainerChangeItem
{
    public required string Path { get; init; }
    public int Kind { get; init; }
}

/// <summary>The body of POST /containers/(id)/copy.</summary>
internal sealed class CopyRequestBody
{
    public string? Resource { get; set; }
}

/// <summary>The JSON carried base64-encoded in X-Docker-Container-Path-Stat (moby's ContainerPathStat).</summary>
internal sealed class PathStatHeader
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("size")]
    public long Size { get; init; }

    /// <summary>Go's os.FileMode bits (type bits high, permissions low).</summary>
    [JsonPropertyName("mode")]
    public uint Mode { get; init; }

    [JsonPropertyName("mtime")]
    public required string Mtime { get; init; }

    [JsonPropertyName("linkTarget")]
    public string LinkTarget { get; init; } = "";

    public static PathStatHeader From(ContainerPathStat stat) => new()
    {
        Name = stat.Name,
        Size = stat.Size,
        Mode = GoFileMode(stat.Mode),
        Mtime = DockerFormat.Rfc3339Nano(stat.Mtime),
        LinkTarget = stat.LinkTarget,
    };

    /// <summary>st_mode to Go's os.FileMode, as Go's os.Lstat fills it.</summary>
    internal static uint GoFileMode(uint mode)
    {
        const uint ModeDir = 1u << 31, ModeSymlink = 1u << 27, ModeDevice = 1u << 26, ModeNamedPipe = 1u << 25,
            ModeSocket = 1u << 24, ModeSetuid = 1u << 23, ModeSetgid = 1u << 22, ModeCharDevice = 1u << 21, ModeSticky = 1u << 20;
        var go = mode & 0x1FF;
        go |= (mode & 0xF000) switch
        {
            0x6000 => ModeDevice,
            0x2000 => ModeDevice | ModeCharDevice,
            0x4000 => ModeDir,
            0x1000 => ModeNamedPipe,
            0xA000 => ModeSymlink,
            0xC000 => ModeSocket,
            _ => 0,
        };
        if ((mode & 0x800) != 0)
        {
            go |= ModeSetuid;
        }
        if ((mode & 0x400) != 0)
        {
            go |= ModeSetgid;
        }
        if ((mode & 0x200) != 0)
        {
            go |= ModeSticky;
        }
        return go;
    }
}
