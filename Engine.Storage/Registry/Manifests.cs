using System.Text.Json.Serialization;

namespace Engine.Storage.Registry;

/// <summary>Media types the registry client reads and writes.</summary>
public static class MediaTypes
{
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string DockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    public const string DockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json";
    public const string DockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";

    /// <summary>The Accept header of a manifest GET: every form the client understands.</summary>
    public static readonly string[] AcceptedManifests = [DockerManifest, DockerManifestList, OciManifest, OciIndex];

    public static bool IsIndex(string? mediaType) => mediaType is DockerManifestList or OciIndex;
}

/// <summary>A content descriptor (config, layer, or a manifest inside an index).</summary>
public sealed class Descriptor
{
    [JsonPropertyName("mediaType")]
    public string MediaType { get; set; } = "";

    [JsonPropertyName("size")]
    public long Size { get; set; }

    [JsonPropertyName("digest")]
    public string Digest { get; set; } = "";

    [JsonPropertyName("urls")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Urls { get; set; }

    [JsonPropertyName("platform")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Platform? Platform { get; set; }
}

public sealed class Platform
{
    [JsonPropertyName("architecture")]
    public string Architecture { get; set; } = "";

    [JsonPropertyName("os")]
    public string Os { get; set; } = "";

    [JsonPropertyName("variant")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; set; }
}

/// <summary>Docker schema2 or OCI image manifest, or (with <see cref="Manifests"/>) a manifest list / OCI index.</summary>
public sealed class ManifestDocument
{
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; set; }

    [JsonPropertyName("mediaType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MediaType { get; set; }

    [JsonPropertyName("config")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Descriptor? Config { get; set; }

    [JsonPropertyName("layers")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<Descriptor>? Layers { get; set; }

    [JsonPropertyName("manifests")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<Descriptor>? Manifests { get; set; }
}

internal sealed class TokenResponse
{
    [JsonPropertyName("token")]
    public string? Token { get; set; }

    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }
}

internal sealed class CatalogResponse
{
    [JsonPropertyName("repositories")]
    public List<string>? Repositories { get; set; }
}

internal sealed class RegistryErrors
{
    [JsonPropertyName("errors")]
    public List<RegistryError>? Errors { get; set; }
}

internal sealed class RegistryError
{
    [JsonPropertyName("code")]
    public string? Code { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }
}

/// <summary>v2metadata-by-diffid entries: which compressed blob a layer was pulled as or pushed to.</summary>
internal sealed class BlobRecord
{
    public string Digest { get; set; } = "";
    public string SourceRepository { get; set; } = "";
    public long Size { get; set; }
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ManifestDocument))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(CatalogResponse))]
[JsonSerializable(typeof(RegistryErrors))]
[JsonSerializable(typeof(List<BlobRecord>))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;
