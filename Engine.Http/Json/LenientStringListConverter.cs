using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engine.Http.Json;

/// <summary>
/// Reads Docker's string-list fields the way clients send them: an array, a single string (Cmd and
/// Entrypoint as a string: one element; "" means none), null, or an object (LxcConf as a map: "key=value").
/// Writes a plain array or null.
/// </summary>
internal sealed class LenientStringListConverter : JsonConverter<List<string>?>
{
    public override bool HandleNull => true;

    public override List<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                var single = reader.GetString();
                return string.IsNullOrEmpty(single) ? null : [single];
            case JsonTokenType.Number:
            case JsonTokenType.True:
            case JsonTokenType.False:
                return [ScalarText(ref reader)];
            case JsonTokenType.StartArray:
                var list = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.String:
                            list.Add(reader.GetString()!);
                            break;
                        case JsonTokenType.Null:
                            break;
                        case JsonTokenType.StartArray:
                        case JsonTokenType.StartObject:
                            reader.Skip();
                            break;
                        default:
                            list.Add(ScalarText(ref reader));
                            break;
                    }
                }
                return list;
            case JsonTokenType.StartObject:
                var pairs = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = reader.GetString() ?? "";
                    reader.Read();
                    if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }
                    pairs.Add(reader.TokenType == JsonTokenType.Null ? key : $"{key}={(reader.TokenType == JsonTokenType.String ? reader.GetString() : ScalarText(ref reader))}");
                }
                return pairs;
            default:
                throw new JsonException($"Cannot read a list of strings from {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, List<string>? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }
        writer.WriteStartArray();
        foreach (var item in value)
        {
            writer.WriteStringValue(item);
        }
        writer.WriteEndArray();
    }

    private static string ScalarText(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        _ => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan),
    };
}
