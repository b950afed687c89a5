using System.Security.Cryptography;
using Engine.Storage.Interop;

namespace Engine.Storage.Internal;

/// <summary>The write-then-rename rule: a file or directory appears under its final name only when whole and on disk.</summary>
internal static class AtomicFile
{
    public static string RandomId(int bytes = 32) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>Writes to a temporary name beside <paramref name="path"/>, flushes to disk, renames over it, syncs the directory.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> data)
    {
        var dir = Path.GetDirectoryName(path)!;
        var tmp = Path.Combine(dir, "." + Path.GetFileName(path) + ".tmp-" + RandomId(6));
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            {
                fs.Write(data);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
        Sys.FsyncDirectory(dir);
    }

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Writes a file that is not visible by itself (inside a directory that will be renamed), flushed to disk.</summary>
    public static void WriteDurable(string path, ReadOnlySpan<byte> data)
    {
        using var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        fs.Write(data);
        fs.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Fills a new directory under <paramref name="tmpRoot"/> and renames it to <paramref name="finalPath"/>
    /// (which must not exist): the directory is visible only with all its files.
    /// </summary>
    public static void CreateDirectory(string tmpRoot, string finalPath, Action<string> fill)
    {
        Directory.CreateDirectory(tmpRoot);
        var tmp = Path.Combine(tmpRoot, RandomId(12));
        Directory.CreateDirectory(tmp);
        try
        {
            fill(tmp);
            Sys.FsyncDirectory(tmp);
            Directory.Move(tmp, finalPath);
        }
        catch
        {
            if (Directory.Exists(tmp))
            {
                Directory.Delete(tmp, recursive: true);
            }
            throw;
        }
        Sys.FsyncDirectory(Path.GetDirectoryName(finalPath)!);
    }

    /// <summary>Makes a directory invisible at once (rename into <paramref name="tmpRoot"/>), then deletes it.</summary>
    public static void DeleteDirectory(string tmpRoot, string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }
        Directory.CreateDirectory(tmpRoot);
        var tmp = Path.Combine(tmpRoot, "rm-" + RandomId(12));
        Directory.Move(path, tmp);
        Sys.FsyncDirectory(Path.GetDirectoryName(path)!);
        Directory.Delete(tmp, recursive: true);
    }
}
