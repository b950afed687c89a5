using Engine.Init.Interop;

namespace Engine.Init;

/// <summary>
/// Paths inside the root file system, resolved the way filepath-securejoin does: every symlink is read and
/// resolved relative to the root, ".." stops at the root, so a resolved path never leaves it.
/// </summary>
internal static class SecurePath
{
    private const int MaxLinks = 255;

    /// <summary>The host path of <paramref name="path"/> inside <paramref name="root"/>, with all existing symlinks resolved within the root.</summary>
    public static string Resolve(string root, string path)
    {
        root = root.TrimEnd('/');
        var resolved = new List<string>();
        var pending = new LinkedList<string>(Split(path));
        int links = 0;
        while (pending.First is { } node)
        {
            pending.RemoveFirst();
            string part = node.Value;
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }
                continue;
            }
            string candidate = Join(root, resolved) + "/" + part;
            if (Sys.TryStatMode(candidate, followLinks: false, out uint mode) == 0 && (mode & Sys.S_IFMT) == Sys.S_IFLNK)
            {
                if (++links > MaxLinks)
                {
                    throw new SyscallException("resolve", candidate, Sys.ELOOP);
                }
                string target = new FileInfo(candidate).LinkTarget ?? "";
                if (target.StartsWith('/'))
                {
                    resolved.Clear();
                }
                foreach (var piece in Split(target).Reverse())
                {
                    pending.AddFirst(piece);
                }
                continue;
            }
            resolved.Add(part);
        }
        return Join(root, resolved);
    }

    /// <summary>Resolves <paramref name="path"/> inside <paramref name="root"/> and creates what is missing: directories, and the last element as a file when <paramref name="file"/>.</summary>
    public static string Create(string root, string path, bool file)
    {
        string resolved = Resolve(root, path);
        string trimmedRoot = root.TrimEnd('/');
        var parts = Split(resolved[trimmedRoot.Length..]).ToArray();
        string current = trimmedRoot;
        for (int i = 0; i < parts.Length; i++)
        {
            current += "/" + parts[i];
            if (i == parts.Length - 1 && file)
            {
                Sys.CreateFile(current, 0b110_100_100);
            }
            else
            {
                Sys.Mkdir(current, 0b111_101_101);
            }
        }
        return resolved;
    }

    private static IEnumerable<string> Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static string Join(string root, List<string> parts) => parts.Count == 0 ? (root.Length == 0 ? "/" : root) : root + "/" + string.Join('/', parts);
}
