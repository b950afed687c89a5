using System.Security.Cryptography;
using System.Text;
using Engine.Storage.Archive;
using Engine.Storage.Errors;
using Engine.Storage.Interop;

namespace Engine.Storage.Drivers;

/// <summary>
/// overlayfs, laid out as Docker's overlay2: &lt;home&gt;/&lt;id&gt;/{diff,work,merged,link,lower} and short
/// symlinks &lt;home&gt;/l/&lt;LINK&gt; -&gt; ../&lt;id&gt;/diff. Mounts use paths relative to the home directory
/// (from a thread with its own working directory), so a chain of 128 layers stays under the 4096-byte
/// limit of mount options.
/// </summary>
public sealed class OverlayDriver : IGraphDriver
{
    public const int MaxDepth = 128;
    private const int LinkLength = 26;
    private const int PageSize = 4096;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _mounts = new(StringComparer.Ordinal);

    public OverlayDriver(string home)
    {
        Home = Path.GetFullPath(home).TrimEnd('/');
        Directory.CreateDirectory(Path.Combine(Home, "l"));
    }

    public string Name => "overlay";
    public string Home { get; }

    /// <summary>True when this host can mount overlay with upper dirs under <paramref name="dataRoot"/> (tried, not guessed).</summary>
    public static bool IsSupported(string dataRoot)
    {
        if (Sys.EffectiveUid != 0)
        {
            return false;
        }
        Directory.CreateDirectory(dataRoot);
        var probe = Path.Combine(Path.GetFullPath(dataRoot), "overlay-probe-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        try
        {
            foreach (var d in new[] { "lower", "upper", "work", "merged" })
            {
                Directory.CreateDirectory(Path.Combine(probe, d));
            }
            var merged = Path.Combine(probe, "merged");
            Sys.Mount("overlay", merged, "overlay", 0, $"lowerdir={probe}/lower,upperdir={probe}/upper,workdir={probe}/work");
            Sys.Unmount(merged, 0);
            return true;
        }
        catch (SystemCallException)
        {
            return false;
        }
        finally
        {
            try
            {
                FileTree.RemoveAll(probe);
            }
            catch (IOException)
            {
            }
        }
    }

    private string Dir(string id)
    {
        if (id.Length == 0 || id.Contains('/') || id is "." or ".." or "l")
        {
            throw new ArgumentException($"invalid layer id \"{id}\"", nameof(id));
        }
        return Home + "/" + id;
    }

    /// <summary>The lower dirs of a layer on <paramref name="parent"/>: "l/PARENT:parent's lower".</summary>
    private string LowerOn(string parent)
    {
        var parentDir = Dir(parent);
        var lower = "l/" + File.ReadAllText(parentDir + "/link").Trim();
        if (File.Exists(parentDir + "/lower"))
        {
            lower += ":" + File.ReadAllText(parentDir + "/lower").Trim();
        }
        if (lower.Split(':').Length > MaxDepth)
        {
            throw EngineException.Invalid("max depth exceeded");
        }
        return lower;
    }

    public void Create(string id, string? parent)
    {
        var dir = Dir(id);
        var lower = parent is null ? null : LowerOn(parent);
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(dir + "/diff");
        Directory.CreateDirectory(dir + "/work");
        var link = NewLinkName();
        File.CreateSymbolicLink(Home + "/l/" + link, "../" + id + "/diff");
        File.WriteAllText(dir + "/link", link);
        if (lower is not null)
        {
            File.WriteAllText(dir + "/lower", lower);
        }
    }

    private static string NewLinkName()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        Span<byte> bytes = stackalloc byte[LinkLength];
        RandomNumberGenerator.Fill(bytes);
        var sb = new StringBuilder(LinkLength);
        foreach (var b in bytes)
        {
            sb.Append(alphabet[b & 31]);
        }
        return sb.ToString();
    }

    public void Remove(string id)
    {
        var dir = Dir(id);
        lock (_lock)
        {
            _mounts.Remove(id);
            UnmountIfMounted(dir + "/merged");
        }
        if (File.Exists(dir + "/link"))
        {
            var link = File.ReadAllText(dir + "/link").Trim();
            if (link.Length > 0 && !link.Contains('/'))
            {
                File.Delete(Home + "/l/" + link);
            }
        }
        FileTree.RemoveAll(dir);
    }

    public bool Exists(string id) => Directory.Exists(Dir(id));

    public IReadOnlyList<string> List() =>
        [.. Directory.EnumerateDirectories(Home).Select(Path.GetFileName).Where(n => n is not null && n != "l").Select(n => n!)];

    /// <summary>Removes links in l/ whose layer is gone (left by a crash between the two steps of Remove or Create).</summary>
    public void RemoveDanglingLinks()
    {
        foreach (var link in Directory.EnumerateFileSystemEntries(Home + "/l"))
        {
            var target = Sys.ReadLink(link);
            if (!Directory.Exists(Path.Combine(Home + "/l", target)))
            {
                File.Delete(link);
            }
        }
    }

    public string Get(string id)
    {
        var dir = Dir(id);
        if (!File.Exists(dir + "/lower"))
        {
            return dir + "/diff"; // nothing below: the upper dir is the whole file system
        }
        var merged = dir + "/merged";
        lock (_lock)
        {
            if (_mounts.TryGetValue(id, out var count))
            {
                _mounts[id] = count + 1;
                return merged;
            }
            Directory.CreateDirectory(merged);
            if (!Sys.IsMountPoint(merged))
            {
                var options = $"lowerdir={File.ReadAllText(dir + "/lower").Trim()},upperdir={id}/diff,workdir={id}/work";
                // The upper dir must hold whole files and real directories for Diff and Changes to read it, so
                // features that store metadata-only copies or redirects are turned off where the kernel has them.
                var strict = options + ",index=off,redirect_dir=off,metacopy=off";
                if (strict.Length >= PageSize)
                {
                    throw EngineException.Invalid($"cannot mount layer {id}: mount options are longer than a page ({strict.Length} bytes)");
                }
                try
                {
                    Sys.RunInDirectory(Home, () => Sys.Mount("overlay", id + "/merged", "overlay", 0, strict));
                }
                catch (SystemCallException e) when (e.Errno == Sys.EINVAL)
                {
                    Sys.RunInDirectory(Home, () => Sys.Mount("overlay", id + "/merged", "overlay", 0, options)); // an older kernel without those options
                }
            }
            _mounts[id] = 1;
            return merged;
        }
    }

    public void Put(string id)
    {
        var dir = Dir(id);
        lock (_lock)
        {
            if (!_mounts.TryGetValue(id, out var count))
            {
                // Not mounted by this process: a mount left by an engine that went away is dropped.
                UnmountIfMounted(dir + "/merged");
                return;
            }
            if (count > 1)
            {
                _mounts[id] = count - 1;
                return;
            }
            _mounts.Remove(id);
            UnmountIfMounted(dir + "/merged");
        }
    }

    private static void UnmountIfMounted(string merged)
    {
        if (Directory.Exists(merged) && Sys.IsMountPoint(merged))
        {
            Sys.Unmount(merged, Sys.MNT_DETACH);
        }
    }

    public Task<long> ApplyDiffAsync(string id, string? parent, Stream tar, CancellationToken cancellationToken = default, TarSplitRecorder? recorder = null) =>
        LayerApplier.ApplyAsync(tar, Dir(id) + "/diff", WhiteoutMode.Overlay, cancellationToken, recorder);

    public string ApplyDir(string id) => Dir(id) + "/diff";

    /// <summary>A layer's diff directory is the same whatever its parent: only <c>lower</c> names the parent.</summary>
    public bool AppliesWithoutParent => true;

    public void SetParent(string id, string parent)
    {
        var dir = Dir(id);
        if (File.Exists(dir + "/lower"))
        {
            throw new InvalidOperationException($"layer {id} already has a parent");
        }
        // Durable before the layer's metadata names it (the metadata rename is what makes the layer visible).
        var tmp = dir + "/lower.tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            fs.Write(Encoding.UTF8.GetBytes(LowerOn(parent)));
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, dir + "/lower");
        Sys.FsyncDirectory(dir);
    }

    public IReadOnlyList<Change> Changes(string id, string? parent) => LayerChanges.FromOverlay(this, id);

    public Stream Diff(string id, string? parent) => LayerExport.FromOverlay(this, id);

    public long DiffSize(string id, string? parent) => FileTree.Size(Dir(id) + "/diff");

    /// <summary>The upper directory of a layer: exactly what it changed, whiteouts in overlay form.</summary>
    public string DiffDir(string id) => Dir(id) + "/diff";

    /// <summary>The diff directories of the layers below <paramref name="id"/>, nearest first.</summary>
    public IReadOnlyList<string> LowerDirs(string id)
    {
        var lowerFile = Dir(id) + "/lower";
        if (!File.Exists(lowerFile))
        {
            return [];
        }
        return [.. File.ReadAllText(lowerFile).Trim().Split(':').Select(l => Path.GetFullPath(Path.Combine(Home, l)))];
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var id in _mounts.Keys)
            {
                UnmountIfMounted(Dir(id) + "/merged");
            }
            _mounts.Clear();
        }
    }
}
