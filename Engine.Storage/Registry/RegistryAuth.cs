namespace Engine.Storage.Registry;

/// <summary>
/// Credentials for one registry, as the client sends them (X-Registry-Auth, POST /auth). Username and password
/// are used for basic auth and to ask a token server for a bearer token; an identity token is sent to the token
/// server as an OAuth2 refresh token; a registry token is used as the bearer token directly.
/// </summary>
public sealed record RegistryAuth
{
    public string? Username { get; init; }
    public string? Password { get; init; }
    public string? IdentityToken { get; init; }
    public string? RegistryToken { get; init; }
    public string? ServerAddress { get; init; }

    public bool HasCredentials => !string.IsNullOrEmpty(Username) || !string.IsNullOrEmpty(IdentityToken) || !string.IsNullOrEmpty(RegistryToken);
}

/// <summary>One progress message of a pull or push, in Docker's vocabulary (status, layer id, bytes).</summary>
public sealed record RegistryProgress(string Status, string? Id = null, long? Current = null, long? Total = null)
{
    /// <summary>Set on the last message of a pushed tag: what `docker push` prints as "TAG: digest: D size: N".</summary>
    public PushResult? Aux { get; init; }

    /// <summary>Layer progress messages carry a (possibly empty) progressDetail object on the wire.</summary>
    public bool HasDetail { get; init; }
}

/// <summary>What a push of one tag produced.</summary>
public sealed record PushResult(string Tag, string Digest, long Size);

/// <summary>One result of a registry search.</summary>
public sealed record RegistrySearchResult(string Name, string Description, int StarCount, bool IsOfficial, bool IsAutomated);
