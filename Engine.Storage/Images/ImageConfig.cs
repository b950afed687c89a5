using System.Text.Json.Serialization;

namespace Engine.Storage.Images;

/// <summary>
/// Docker's image config (image spec v1.2): what the image id is the digest of. The store keeps the exact
/// bytes it was given; this model is what it reads from them and what it writes for new images.
/// </summary>
public sealed class ImageConfig
{
    [JsonPropertyName("architecture")] public string? Architecture { get; set; }
    [JsonPropertyName("config")] public ContainerConfig? Config { get; set; }
    [JsonPropertyName("container")] public string? Container { get; set; }
    [JsonPropertyName("container_config")] public ContainerConfig? ContainerConfig { get; set; }
    [JsonPropertyName("created")] [JsonConverter(typeof(GoTimeConverter))] public DateTimeOffset? Created { get; set; }
    [JsonPropertyName("docker_version")] public string? DockerVersion { get; set; }
    [JsonPropertyName("author")] public string? Author { get; set; }
    [JsonPropertyName("comment")] public string? Comment { get; set; }
    [JsonPropertyName("parent")] public string? Parent { get; set; }
    [JsonPropertyName("history")] public List<HistoryEntry>? History { get; set; }
    [JsonPropertyName("os")] public string? Os { get; set; }
    [JsonPropertyName("rootfs")] public RootFs? RootFs { get; set; }
}

public sealed class RootFs
{
    [JsonPropertyName("type")] public string Type { get; set; } = "layers";
    [JsonPropertyName("diff_ids")] public List<string> DiffIds { get; set; } = [];
}

/// <summary>One step of an image's history as the config records it.</summary>
public sealed class HistoryEntry
{
    [JsonPropertyName("created")] [JsonConverter(typeof(GoTimeConverter))] public DateTimeOffset? Created { get; set; }
    [JsonPropertyName("author")] public string? Author { get; set; }
    [JsonPropertyName("created_by")] public string? CreatedBy { get; set; }
    [JsonPropertyName("comment")] public string? Comment { get; set; }
    [JsonPropertyName("empty_layer")] public bool EmptyLayer { get; set; }
}

/// <summary>Go's RFC 3339 times: up to nine fractional digits in, the shortest exact form out.</summary>
public sealed class GoTimeConverter : JsonConverter<DateTimeOffset?>
{
    public override DateTimeOffset? Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options)
    {
        if (reader.TokenType == System.Text.Json.JsonTokenType.Null)
        {
            return null;
        }
        return Parse(reader.GetString()!);
    }

    public static DateTimeOffset? Parse(string s)
    {
        if (s.Length == 0)
        {
            return null;
        }
        // .NET takes at most seven fractional digits.
        var dot = s.IndexOf('.', 19 < s.Length ? 19 : 0);
        if (dot == 19)
        {
            var end = dot + 1;
            while (end < s.Length && char.IsAsciiDigit(s[end]))
            {
                end++;
            }
            if (end - dot - 1 > 7)
            {
                s = s[..(dot + 8)] + s[end..];
            }
        }
        return DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var t) ? t : null;
    }

    public static string Format(DateTimeOffset t) =>
        t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public override void Write(System.Text.Json.Utf8JsonWriter writer, DateTimeOffset? value, System.Text.Json.JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(Format(value.Value));
        }
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImageConfig))]
[JsonSerializable(typeof(RepositoriesFile))]
[JsonSerializable(typeof(Dictionary<string, Dictionary<string, string>>))]
internal sealed partial class StorageJsonContext : JsonSerializerContext
{
}

/// <summary>repositories.json: {"Repositories": {"repo": {"repo:tag": "sha256:id"}}}, as Docker keeps it.</summary>
internal sealed class RepositoriesFile
{
    public Dictionary<string, Dictionary<string, string>> Repositories { get; set; } = [];
}

/// <summary>Type info for a <see cref="ContainerConfig"/> written with nulls kept, as Docker writes v1 json.</summary>
internal static class StorageJsonContextAccess
{
    public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<ContainerConfig> ContainerConfig => ContainerConfigJsonContext.Default.ContainerConfig;
}

[JsonSerializable(typeof(ContainerConfig))]
internal sealed partial class ContainerConfigJsonContext : JsonSerializerContext
{
}
