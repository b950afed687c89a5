using System.Text.Json.Serialization;

namespace Engine.Http.Json;

internal sealed class ProgressDetail
{
    [JsonPropertyName("current")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Current { get; init; }

    [JsonPropertyName("total")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Total { get; init; }
}

internal sealed class PushAux
{
    public string Tag { get; init; } = "";
    public string Digest { get; init; } = "";
    public long Size { get; init; }
}

/// <summary>POST /auth's body, and the JSON inside X-Registry-Auth (base64url).</summary>
internal sealed class AuthConfigBody
{
    [JsonPropertyName("username")]
    public string? Username { get; init; }
    [JsonPropertyName("password")]
    public string? Password { get; init; }
    [JsonPropertyName("auth")]
    public string? Auth { get; init; }
    [JsonPropertyName("email")]
    public string? Email { get; init; }
    [JsonPropertyName("serveraddress")]
    public string? ServerAddress { get; init; }
    [JsonPropertyName("identitytoken")]
    public string? IdentityToken { get; init; }
    [JsonPropertyName("registrytoken")]
    public string? RegistryToken { get; init; }
}

internal sealed class AuthResponse
{
    public string Status { get; init; } = "";
}

/// <summary>One result of GET /images/search.</summary>
internal sealed class SearchResultItem
{
    [JsonPropertyName("description")]
    public string Description { get; init; } = "";
    [JsonPropertyName("is_official")]
    public bool IsOfficial { get; init; }
    [JsonPropertyName("is_automated")]
    public bool IsAutomated { get; init; }
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";
    [JsonPropertyName("star_count")]
    public int StarCount { get; init; }
}
