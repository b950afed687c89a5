using Engine.Core.Runtime;
using Engine.Init.Interop;

namespace Engine.Init;

/// <summary>Docker's ulimit names to RLIMIT_* and setrlimit.</summary>
internal static class Rlimits
{
    private static readonly string[] Names =
    [
        "cpu", "fsize", "data", "stack", "core", "rss", "nproc", "nofile",
        "memlock", "as", "locks", "sigpending", "msgqueue", "nice", "rtprio", "rttime",
    ];

    public static int Resource(string name)
    {
        string bare = name.StartsWith("RLIMIT_", StringComparison.OrdinalIgnoreCase) ? name[7..] : name;
        int index = Array.FindIndex(Names, n => n.Equals(bare, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index : throw new InitException($"invalid ulimit type: {name}");
    }

    public static void Apply(IEnumerable<InitRlimit> limits)
    {
        foreach (var limit in limits)
        {
            Sys.Setrlimit(Resource(limit.Name), limit.Name, limit.Soft, limit.Hard);
        }
    }
}
