using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Engine.Storage.Interop;

internal static unsafe partial class Sys
{
    public const int MNT_DETACH = 2;

    public static void Mount(string source, string target, string fsType, ulong flags, string? data)
    {
        var s = Z(source);
        var t = Z(target);
        var f = Z(fsType);
        var d = data is null ? null : Z(data);
        fixed (byte* ps = s, pt = t, pf = f, pd = d)
        {
            int rc;
            do { rc = mount(ps, pt, pf, (ulong_t)flags, pd); } while (rc == -1 && errno == EINTR);
            Check(rc, $"mount {fsType} ({data})", target);
        }
    }

    public static void Unmount(string target, int flags)
    {
        var t = Z(target);
        fixed (byte* pt = t)
        {
            int rc;
            do { rc = umount2(pt, flags); } while (rc == -1 && errno == EINTR);
            Check(rc, "umount2", target);
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> on a dedicated thread that has its own working directory
    /// (unshare(CLONE_FS)) set to <paramref name="directory"/>, so relative paths in mount options resolve
    /// there without touching the process's working directory. The thread ends afterwards.
    /// </summary>
    public static void RunInDirectory(string directory, Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Check(unshare(CLONE_FS), "unshare(CLONE_FS)", null);
                var d = Z(directory);
                fixed (byte* pd = d)
                {
                    Check(chdir(pd), "chdir", directory);
                }
                action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, 256 * 1024)
        { IsBackground = true, Name = "engine-mount" };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw failure;
        }
    }

    /// <summary>True when <paramref name="path"/> is a mount point listed in /proc/self/mountinfo.</summary>
    public static bool IsMountPoint(string path)
    {
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var parts = line.Split(' ');
            if (parts.Length > 4 && UnescapeMountInfo(parts[4]) == path)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Mount points at or below <paramref name="prefix"/>, deepest first.</summary>
    public static IReadOnlyList<string> MountPointsUnder(string prefix)
    {
        var result = new List<string>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var parts = line.Split(' ');
            if (parts.Length > 4)
            {
                var mp = UnescapeMountInfo(parts[4]);
                if (mp == prefix || mp.StartsWith(prefix.TrimEnd('/') + "/", StringComparison.Ordinal))
                {
                    result.Add(mp);
                }
            }
        }
        result.Sort((a, b) => b.Length.CompareTo(a.Length));
        return result;
    }

    private static string UnescapeMountInfo(string s)
    {
        if (!s.Contains('\\'))
        {
            return s;
        }
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 3 < s.Length)
            {
                sb.Append((char)Convert.ToInt32(s.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                sb.Append(s[i]);
            }
        }
        return sb.ToString();
    }
}
