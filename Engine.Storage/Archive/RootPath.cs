using Engine.Storage.Errors;
using Engine.Storage.Interop;

namespace Engine.Storage.Archive;

/// <summary>
/// Resolves paths inside a root directory the way a process chrooted into it would: every symlink met on the
/// way is followed with the root as "/", and ".." never climbs above the root. This gives in-process what
/// Docker's chrootarchive gets from chroot(2).
/// </summary>
public static class RootPath
{
    private const int MaxSymlinks = 255;

    /// <summary>
    /// Lexically cleans an archive name to a relative path ("" for the root). Absolute names are taken as
    /// relative to the root; a name that climbs above the root with ".." is rejected.
    /// </summary>
    public static string CleanEntryName(string name)
    {
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    throw Breakout(name);
                }
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }

    /// <summary>True when a relative name climbs above the root (lexically).</summary>
    public static bool Escapes(string relativeDir, string target)
    {
        var depth = 0;
        foreach (var part in (relativeDir.Length == 0 ? target : relativeDir + "/" + target).Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }
            depth += part == ".." ? -1 : 1;
            if (depth < 0)
            {
                return true;
            }
        }
        return false;
    }

    public static EngineException Breakout(string name) =>
        EngineException.Invalid($"invalid archive entry \"{name}\": it points outside of the target directory");

    /// <summary>
    /// Resolves <paramref name="relative"/> (every component, symlinks followed inside the root) to an absolute
    /// path under <paramref name="root"/>. Missing directories are created (0755) when <paramref name="create"/>,
    /// otherwise the remaining components are appended as they are.
    /// </summary>
    public static string Resolve(string root, string relative, bool create)
    {
        var pending = new Stack<string>();
        PushComponents(pending, relative);
        var current = new List<string>();
        var hops = 0;
        var missing = false;
        while (pending.Count > 0)
        {
            var c = pending.Pop();
            if (c == "..")
            {
                if (current.Count > 0)
                {
                    current.RemoveAt(current.Count - 1);
                }
                continue;
            }
            current.Add(c);
            if (missing)
            {
                continue;
            }
            var path = Join(root, current);
            var st = Sys.LStat(path);
            if (st is null)
            {
                if (create)
                {
                    Directory.CreateDirectory(path);
                    Sys.Chmod(path, 0x1ED); // 0755
                }
                else
                {
                    missing = true;
                }
                continue;
            }
            var s = st.Value;
            if (s.IsSymlink)
            {
                if (++hops > MaxSymlinks)
                {
                    throw EngineException.Invalid($"too many levels of symbolic links resolving \"{relative}\"");
                }
                var target = Sys.ReadLink(path);
                current.RemoveAt(current.Count - 1);
                if (target.StartsWith('/'))
                {
                    current.Clear();
                }
                PushComponents(pending, target);
                continue;
            }
            if (!s.IsDirectory && pending.Count > 0)
            {
                throw EngineException.Invalid($"cannot resolve \"{relative}\": \"{string.Join('/', current)}\" is not a directory");
            }
        }
        return Join(root, current);
    }

    private static void PushComponents(Stack<string> stack, string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            if (parts[i] != ".")
            {
                stack.Push(parts[i]);
            }
        }
    }

    private static string Join(string root, List<string> parts) =>
        parts.Count == 0 ? root : root.TrimEnd('/') + "/" + string.Join('/', parts);
}
