using System.Text.Json.Serialization;
using Engine.Core.Containers;

namespace Engine.Core.Persistence;

[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ContainerRecord))]
internal sealed partial class CoreJsonContext : JsonSerializerContext
{
}
