using Engine.Core.Runtime;
using Engine.Init.Interop;

namespace Engine.Init;

/// <summary>After "go": user, rlimits, groups, uid, capabilities, working directory, execve. Both modes.</summary>
internal static class ProcessLauncher
{
    /// <summary>Returns only by throwing.</summary>
    public static void Exec(InitSpec spec)
    {
        var process = spec.Process;
        if (process.Args.Count == 0 || process.Args[0].Length == 0)
        {
            throw new InitException("No command specified");
        }

        var user = UserResolver.Resolve(process.User, ReadOptional("/etc/passwd"), ReadOptional("/etc/group"));
        var env = new List<string>(process.Env);
        if (!env.Any(e => e.StartsWith("HOME=", StringComparison.Ordinal)))
        {
            env.Add("HOME=" + (user.Home.Length == 0 ? "/" : user.Home));
        }

        string cwd = WorkingDirectory(process);

        ulong capabilities = Capabilities.Parse(spec.Capabilities);
        int lastCap = Capabilities.LastCap();
        capabilities &= lastCap >= 63 ? ulong.MaxValue : (1UL << (lastCap + 1)) - 1;
        // What we do not hold we cannot give (e.g. Privileged ALL when the engine itself runs with fewer capabilities).
        capabilities &= Sys.GetPermittedCapabilities();

        Rlimits.Apply(spec.Rlimits);

        // Keep the permitted set across setuid, drop the bounding set while we still have CAP_SETPCAP.
        Sys.SetKeepCaps(true);
        Capabilities.DropBounding(capabilities, lastCap);
        Sys.Setgroups(user.SupplementaryGids.ToArray());
        Sys.Setgid(user.Gid);
        Sys.Setuid(user.Uid);
        Sys.SetCapabilities(capabilities);
        Sys.SetKeepCaps(false);

        int chdirError = Sys.TryChdir(cwd);
        if (chdirError != 0)
        {
            throw new InitException($"chdir to cwd (\"{cwd}\") set in config.json failed: {ExecutableLookup.ErrnoText(chdirError)}");
        }

        string name = process.Args[0];
        string? pathEnv = env.LastOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..];
        string path = ExecutableLookup.Find(name, pathEnv);

        Sys.CloseOnExecFrom(ControlChannel.Fd);
        Sys.ResetSignals();
        int errno = Sys.Execve(path, process.Args, env);
        throw new InitException(ExecutableLookup.ExecError(name, errno));
    }

    public static string WorkingDirectory(InitProcess process) => process.Cwd.Length == 0 ? "/" : process.Cwd;

    private static string? ReadOptional(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
