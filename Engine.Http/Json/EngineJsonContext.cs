using System.Text.Json;
using System.Text.Json.Serialization;
using Engine.Core.Containers;
using Engine.Core.SystemInfo;
using Engine.Storage.Images;

namespace Engine.Http.Json;

/// <summary>
/// Source-generated JSON for every wire shape. Writing keeps Docker's exact property names (no
/// naming policy, nulls written); reading is lenient: case-insensitive names, unknown fields
/// ignored, numbers in strings accepted, string lists
/// through <see cref="LenientStringListConverter"/>.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    Converters = [typeof(LenientStringListConverter)])]
[JsonSerializable(typeof(ContainerConfig))]
[JsonSerializable(typeof(HostConfig))]
[JsonSerializable(typeof(CreateBodyExtras))]
[JsonSerializable(typeof(ContainerCreateResponse))]
[JsonSerializable(typeof(ContainerWaitResponse))]
[JsonSerializable(typeof(List<ContainerListItem>))]
[JsonSerializable(typeof(ContainerInspectResponse))]
[JsonSerializable(typeof(List<ImageListItem>))]
[JsonSerializable(typeof(ImageInspectResponse))]
[JsonSerializable(typeof(List<ImageHistoryItem>))]
[JsonSerializable(typeof(List<ImageDeleteItem>))]
[JsonSerializable(typeof(ProgressLine))]
[JsonSerializable(typeof(CommitResponse))]
[JsonSerializable(typeof(VersionResponse))]
[JsonSerializable(typeof(EngineInfo))]
[JsonSerializable(typeof(EventMessage))]
[JsonSerializable(typeof(ErrorMessageBody))]
[JsonSerializable(typeof(ExecCreateBody))]
[JsonSerializable(typeof(ExecCreateResponse))]
[JsonSerializable(typeof(ExecStartBody))]
[JsonSerializable(typeof(ExecInspectResponse))]
[JsonSerializable(typeof(ContainerTopResponse))]
[JsonSerializable(typeof(StatsJson))]
[JsonSerializable(typeof(List<ContainerChangeItem>))]
[JsonSerializable(typeof(CopyRequestBody))]
[JsonSerializable(typeof(PathStatHeader))]
[JsonSerializable(typeof(AuthConfigBody))]
[JsonSerializable(typeof(AuthResponse))]
[JsonSerializable(typeof(List<SearchResultItem>))]
internal sealed partial class EngineJsonContext : JsonSerializerContext
{
}
