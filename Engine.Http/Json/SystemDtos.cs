using System.Text.Json.Serialization;

namespace Engine.Http.Json;

// Wire shapes of /version, /info, /events and error bodies.

internal sealed class VersionResponse
{
    public string Version { get; init; } = "";
    public string ApiVersion { get; init; } = "";
    public string MinAPIVersion { get; init; } = "";
    public string GitCommit { get; init; } = "";
    public string GoVersion { get; init; } = "";
    public string Os { get; init; } = "";
    public string Arch { get; init; } = "";
    public string KernelVersion { get; init; } = "";
    public string BuildTime { get; init; } = "";
}

internal sealed class EventMessage
{
    [JsonPropertyName("status")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Status { get; init; }
    [JsonPropertyName("id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; init; }
    [JsonPropertyName("from")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? From { get; init; }
    public string Type { get; init; } = "";
    public string Action { get; init; } = "";
    public EventActor Actor { get; init; } = new();
    [JsonPropertyName("scope")]
    public string Scope { get; init; } = "local";
    [JsonPropertyName("time")]
    public long Time { get; init; }
    [JsonPropertyName("timeNano")]
    public long TimeNano { get; init; }
}

internal sealed class EventActor
{
    public string ID { get; init; } = "";
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
}

internal sealed class ErrorMessageBody
{
    [JsonPropertyName("message")]
    public string Message { get; init; } = "";
}
