using Engine.Init.Interop;

namespace Engine.Init;

/// <summary>Finds the program as Go's exec.LookPath does (runc uses it), with the same error texts Docker shows.</summary>
internal static class ExecutableLookup
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static string Find(string name, string? pathEnv)
    {
        if (name.Contains('/'))
        {
            string? error = Check(name);
            return error is null ? name : throw new InitException($"exec: \"{name}\": {error}");
        }
        foreach (var entry in (pathEnv ?? DefaultPath).Split(':'))
        {
            string candidate = (entry.Length == 0 ? "." : entry).TrimEnd('/') + "/" + name;
            if (Check(candidate) is null)
            {
                return candidate;
            }
        }
        throw new InitException($"exec: \"{name}\": executable file not found in $PATH");
    }

    /// <summary>The text for an execve failure: exec: "NAME": permission denied.</summary>
    public static string ExecError(string name, int errno) => $"exec: \"{name}\": {ErrnoText(errno)}";

    /// <summary>Go's spelling of an errno: strerror with a lower-case first letter.</summary>
    public static string ErrnoText(int errno)
    {
        string text = System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno);
        return text.Length > 0 ? char.ToLowerInvariant(text[0]) + text[1..] : $"errno {errno}";
    }

    // Go's findExecutable: stat, not a directory, then executable for us.
    private static string? Check(string path)
    {
        int errno = Sys.TryStatMode(path, followLinks: true, out uint mode);
        if (errno != 0)
        {
            return $"stat {path}: {ErrnoText(errno)}";
        }
        if ((mode & Sys.S_IFMT) == Sys.S_IFDIR)
        {
            return "is a directory";
        }
        errno = Sys.Access(path, Sys.X_OK);
        if (errno == 0)
        {
            return null;
        }
        if (errno != Sys.ENOSYS && errno != Sys.EPERM)
        {
            return ErrnoText(errno);
        }
        return (mode & 0b001_001_001) != 0 ? null : ErrnoText(Sys.EACCES);
    }
}
