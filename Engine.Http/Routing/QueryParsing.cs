using System.Globalization;
using System.Text.Json;
using Engine.Storage.Errors;

namespace Engine.Http.Routing;

/// <summary>Docker's readings of query values.</summary>
internal static class QueryParsing
{
    /// <summary>
    /// Docker's boolValue: empty, "0", "no", "false", "none" (any case, trimmed) are false, anything
    /// else is true; an absent key is <paramref name="defaultValue"/>.
    /// </summary>
    public static bool Bool(string? value, bool defaultValue = false)
    {
        if (value is null)
        {
            return defaultValue;
        }
        var s = value.Trim();
        return !(s.Length == 0
            || s == "0"
            || s.Equals("no", StringComparison.OrdinalIgnoreCase)
            || s.Equals("false", StringComparison.OrdinalIgnoreCase)
            || s.Equals("none", StringComparison.OrdinalIgnoreCase));
    }

    public static int? Int(string? value)
        => int.TryParse(value?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>"all", empty, absent or unparsable: null (every line); otherwise the number of last lines.</summary>
    public static int? Tail(string? value)
        => Int(value) is { } n && n >= 0 ? n : null;

    /// <summary>
    /// A point in time as clients send it: unix seconds with an optional fraction ("1374067924",
    /// "1374067924.123456789") or RFC 3339. Empty: null.
    /// </summary>
    public static DateTimeOffset? Timestamp(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var s = value.Trim();
        var dot = s.IndexOf('.');
        var secondsText = dot < 0 ? s : s[..dot];
        if (long.TryParse(secondsText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            var fraction = dot < 0 ? "" : s[(dot + 1)..];
            if (fraction.Length == 0 || fraction.All(char.IsAsciiDigit))
            {
                var nanos = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(9, '0')[..9], CultureInfo.InvariantCulture);
                return DateTimeOffset.UnixEpoch.AddSeconds(seconds).AddTicks(nanos / 100);
            }
        }
        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed;
        }
        throw EngineException.Invalid($"Invalid value for {name}: {value}");
    }

    /// <summary>
    /// The <c>filters</c> query in both forms clients send: v1.19's map of arrays
    /// (<c>{"status":["running"]}</c>) and the later map of booleans (<c>{"status":{"running":true}}</c>,
    /// only true keys count). A plain string value is taken as one element.
    /// </summary>
    public static Dictionary<string, IReadOnlyList<string>> Filters(string? json)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return result;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw EngineException.Invalid($"Invalid filters: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind == JsonValueKind.Null)
            {
                return result;
            }
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw EngineException.Invalid("Invalid filters: expected a JSON object");
            }
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var values = new List<string>();
                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.Array:
                        foreach (var item in property.Value.EnumerateArray())
                        {
                            values.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText());
                        }
                        break;
                    case JsonValueKind.Object:
                        foreach (var item in property.Value.EnumerateObject())
                        {
                            if (item.Value.ValueKind == JsonValueKind.True)
                            {
                                values.Add(item.Name);
                            }
                        }
                        break;
                    case JsonValueKind.String:
                        values.Add(property.Value.GetString()!);
                        break;
                    case JsonValueKind.Null:
                        break;
                    default:
                        throw EngineException.Invalid($"Invalid filters: bad value for \"{property.Name}\"");
                }
                if (result.TryGetValue(property.Name, out var existing))
                {
                    values.InsertRange(0, existing);
                }
                result[property.Name] = values;
            }
        }
        return result;
    }
}
