using System.Text.Json.Serialization;
using Engine.Storage.Images;

namespace Engine.Http.Json;

// Wire shapes of the image endpoints (v1.19 names plus the few later fields clients read).

internal sealed class ImageListItem
{
    public required string Id { get; init; }
    public string ParentId { get; init; } = "";
    public List<string> RepoTags { get; init; } = [];
    public List<string> RepoDigests { get; init; } = [];
    public long Created { get; init; }
    public long Size { get; init; }
    public long VirtualSize { get; init; }
    public long SharedSize { get; init; } = -1;
    public int Containers { get; init; } = -1;
    public Dictionary<string, string>? Labels { get; init; }
}

internal sealed class ImageInspectResponse
{
    public required string Id { get; init; }
    public List<string> RepoTags { get; init; } = [];
    public List<string> RepoDigests { get; init; } = [];
    public string Parent { get; init; } = "";
    public string Comment { get; init; } = "";
    public required string Created { get; init; }
    public string Container { get; init; } = "";
    public ContainerConfig? ContainerConfig { get; init; }
    public string DockerVersion { get; init; } = "";
    public string Author { get; init; } = "";
    public ContainerConfig? Config { get; init; }
    public string Architecture { get; init; } = "";
    public string Os { get; init; } = "";
    public long Size { get; init; }
    public long VirtualSize { get; init; }
    public RootFsJson RootFS { get; init; } = new();
}

internal sealed class RootFsJson
{
    public string Type { get; init; } = "layers";
    public List<string> Layers { get; init; } = [];
}

internal sealed class ImageHistoryItem
{
    public required string Id { get; init; }
    public long Created { get; init; }
    public string CreatedBy { get; init; } = "";
    public List<string>? Tags { get; init; }
    public long Size { get; init; }
    public string Comment { get; init; } = "";
}

internal sealed class ImageDeleteItem
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Untagged { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Deleted { get; init; }
}

/// <summary>One line of a JSON progress stream (Docker's jsonmessage: import, load, build, pull, push).</summary>
internal sealed class ProgressLine
{
    [JsonPropertyName("status")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Status { get; init; }
    [JsonPropertyName("progressDetail")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ProgressDetail? ProgressDetail { get; init; }
    [JsonPropertyName("id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; init; }
    [JsonPropertyName("aux")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PushAux? Aux { get; init; }
    [JsonPropertyName("stream")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Stream { get; init; }
    [JsonPropertyName("errorDetail")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ErrorDetail? ErrorDetail { get; init; }
    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }
}

internal sealed class ErrorDetail
{
    /// <summary>A failed build step's exit code (the CLI exits with it); absent otherwise.</summary>
    [JsonPropertyName("code")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Code { get; init; }
    [JsonPropertyName("message")]
    public string Message { get; init; } = "";
}

/// <summary>POST /commit's answer.</summary>
internal sealed class CommitResponse
{
    public required string Id { get; init; }
}
