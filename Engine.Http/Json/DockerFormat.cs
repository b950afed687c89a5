using System.Globalization;
using Engine.Http.Routing;

namespace Engine.Http.Json;

/// <summary>Docker's textual forms of times and ids.</summary>
internal static class DockerFormat
{
    /// <summary>Go's RFC3339Nano in UTC: fraction without trailing zeros, "0001-01-01T00:00:00Z" for the zero time.</summary>
    public static string Rfc3339Nano(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var fraction = utc.Ticks % TimeSpan.TicksPerSecond;
        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (fraction != 0)
        {
            text += "." + (fraction * 100).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        }
        return text + "Z";
    }

    /// <summary>Docker's fixed-width log timestamp (always nine fraction digits).</summary>
    public static string Rfc3339NanoFixed(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var fraction = utc.Ticks % TimeSpan.TicksPerSecond;
        return utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "." + (fraction * 100).ToString("D9", CultureInfo.InvariantCulture) + "Z";
    }

    public static long UnixSeconds(DateTimeOffset time) => time == default ? 0 : time.ToUnixTimeSeconds();

    public static long UnixNanos(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    /// <summary>
    /// Image ids as the version shows them: below 1.22 (v1.19's shapes, Docker 1.7) the bare hex;
    /// from 1.22 and unversioned "sha256:hex". Docker CLI 28 strips the prefix itself either way.
    /// </summary>
    public static string ImageId(string? id, ApiVersion? version)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "";
        }
        var hex = id.StartsWith("sha256:", StringComparison.Ordinal) ? id["sha256:".Length..] : id;
        return ApiVersion.ShowsBareImageIds(version) ? hex : "sha256:" + hex;
    }
}
