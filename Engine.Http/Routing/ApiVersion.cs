using System.Globalization;

namespace Engine.Http.Routing;

/// <summary>The version a request asked for in its /v{major}.{minor} prefix; null means unversioned.</summary>
internal readonly record struct ApiVersion(int Major, int Minor) : IComparable<ApiVersion>
{
    public const string Current = "1.19";

    public int CompareTo(ApiVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(ApiVersion a, ApiVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(ApiVersion a, ApiVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(ApiVersion a, ApiVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(ApiVersion a, ApiVersion b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Major}.{Minor}";

    /// <summary>Error bodies are plain text below 1.24 and {"message":...} JSON from 1.24 and unversioned.</summary>
    public static bool UsesPlainTextErrors(ApiVersion? version) => version is { } v && v < new ApiVersion(1, 24);

    /// <summary>Image ids lose "sha256:" below 1.22 (Docker 1.7 showed hex only).</summary>
    public static bool ShowsBareImageIds(ApiVersion? version) => version is { } v && v < new ApiVersion(1, 22);

    /// <summary>
    /// Splits "/v1.19/containers/json" into version 1.19 and "/containers/json". A path without a
    /// prefix is returned as is with a null version. Accepts "/v1" and "/v1.19".
    /// </summary>
    public static string StripPrefix(string path, out ApiVersion? version)
    {
        version = null;
        if (path.Length < 3 || path[0] != '/' || path[1] != 'v' || !char.IsAsciiDigit(path[2]))
        {
            return path;
        }
        var end = path.IndexOf('/', 2);
        var text = end < 0 ? path[2..] : path[2..end];
        var dot = text.IndexOf('.');
        var majorText = dot < 0 ? text : text[..dot];
        var minorText = dot < 0 ? "0" : text[(dot + 1)..];
        if (!int.TryParse(majorText, NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(minorText, NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return path;
        }
        version = new ApiVersion(major, minor);
        return end < 0 ? "/" : path[end..];
    }
}
