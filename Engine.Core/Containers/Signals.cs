using Engine.Storage.Errors;

namespace Engine.Core.Containers;

/// <summary>Linux signal names and numbers as Docker accepts them ("KILL", "SIGKILL", "9").</summary>
internal static class Signals
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    private static readonly Dictionary<string, int> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ABRT"] = 6, ["ALRM"] = 14, ["BUS"] = 7, ["CHLD"] = 17, ["CLD"] = 17, ["CONT"] = 18, ["FPE"] = 8,
        ["HUP"] = 1, ["ILL"] = 4, ["INT"] = 2, ["IO"] = 29, ["IOT"] = 6, ["KILL"] = 9, ["PIPE"] = 13,
        ["POLL"] = 29, ["PROF"] = 27, ["PWR"] = 30, ["QUIT"] = 3, ["SEGV"] = 11, ["STKFLT"] = 16,
        ["STOP"] = 19, ["SYS"] = 31, ["TERM"] = 15, ["TRAP"] = 5, ["TSTP"] = 20, ["TTIN"] = 21,
        ["TTOU"] = 22, ["URG"] = 23, ["USR1"] = 10, ["USR2"] = 12, ["VTALRM"] = 26, ["WINCH"] = 28,
        ["XCPU"] = 24, ["XFSZ"] = 25,
    };

    /// <summary>Parses a signal; InvalidParameter "Invalid signal: X" when unknown.</summary>
    public static int Parse(string? value, int fallback)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }
        if (int.TryParse(value, out var number))
        {
            return number is > 0 and <= 64 ? number : throw EngineException.Invalid($"Invalid signal: {value}");
        }
        var name = value.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? value[3..] : value;
        if (ByName.TryGetValue(name, out var byName))
        {
            return byName;
        }
        if (name.StartsWith("RTMIN", StringComparison.OrdinalIgnoreCase) || name.StartsWith("RTMAX", StringComparison.OrdinalIgnoreCase))
        {
            var baseValue = name.StartsWith("RTMIN", StringComparison.OrdinalIgnoreCase) ? 34 : 64;
            var rest = name[5..];
            if (rest.Length == 0)
            {
                return baseValue;
            }
            if (int.TryParse(rest, out var offset))
            {
                return baseValue + offset;
            }
        }
        throw EngineException.Invalid($"Invalid signal: {value}");
    }
}
