using System.Text.Json.Serialization;

namespace Engine.Http.Json;

// Wire shapes of the exec endpoints.

/// <summary>POST /containers/(id)/exec body.</summary>
internal sealed class ExecCreateBody
{
    public bool AttachStdin { get; set; }
    public bool AttachStdout { get; set; }
    public bool AttachStderr { get; set; }
    public bool Tty { get; set; }
    public List<string>? Cmd { get; set; }
    public string? User { get; set; }
    public bool Privileged { get; set; }
    public bool Detach { get; set; }
}

internal sealed class ExecCreateResponse
{
    public required string Id { get; init; }
}

/// <summary>POST /exec/(id)/start body.</summary>
internal sealed class ExecStartBody
{
    public bool Detach { get; set; }
    public bool Tty { get; set; }
}

internal sealed class ExecInspectResponse
{
    public required string ID { get; init; }
    public bool Running { get; init; }
    public int? ExitCode { get; init; }
    public required ExecProcessConfigJson ProcessConfig { get; init; }
    public bool OpenStdin { get; init; }
    public bool OpenStderr { get; init; }
    public bool OpenStdout { get; init; }
    /// <summary>Later Docker's field; v1.19 clients read Container.</summary>
    public string ContainerID { get; init; } = "";
    public required ContainerInspectResponse Container { get; init; }
    public int Pid { get; init; }
}

internal sealed class ExecProcessConfigJson
{
    [JsonPropertyName("privileged")]
    public bool Privileged { get; init; }
    [JsonPropertyName("user")]
    public string User { get; init; } = "";
    [JsonPropertyName("tty")]
    public bool Tty { get; init; }
    [JsonPropertyName("entrypoint")]
    public string Entrypoint { get; init; } = "";
    [JsonPropertyName("arguments")]
    public List<string> Arguments { get; init; } = [];
}

/// <summary>GET /containers/(id)/top.</summary>
internal sealed class ContainerTopResponse
{
    public List<string> Titles { get; init; } = [];
    public List<List<string>> Processes { get; init; } = [];
}
