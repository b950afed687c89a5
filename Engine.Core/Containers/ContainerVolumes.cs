using System.Security.Cryptography;
using Engine.Core.Runtime;
using Engine.Storage.Errors;

namespace Engine.Core.Containers;

/// <summary>A path of the container that is a volume: a bind of a host path, or an engine-made directory.</summary>
internal sealed class VolumeRecord
{
    /// <summary>Host directory (or file, for a bind) mounted at the path.</summary>
    public string Source { get; set; } = "";
    public bool RW { get; set; } = true;
    /// <summary>Made by the engine (not a bind): removed with the container when asked (rm -v) and unused.</summary>
    public bool Anonymous { get; set; }
    /// <summary>The image's content at the path is still to be copied in (done at the first start).</summary>
    public bool NeedsCopy { get; set; }
}

/// <summary>Docker 1.7's volumes: Binds, VolumesFrom and the config's Volumes, resolved at create.</summary>
internal static class ContainerVolumes
{
    /// <summary>
    /// The container's volumes by path inside it: binds first, then those of VolumesFrom containers, then a new
    /// directory for each remaining Config.Volumes path. Invalid specifications fail before anything is made.
    /// </summary>
    public static Dictionary<string, VolumeRecord> Resolve(Storage.Images.ContainerConfig config, HostConfig hostConfig, Func<string, Container> lookup, string volumesRoot)
    {
        var volumes = new Dictionary<string, VolumeRecord>(StringComparer.Ordinal);
        var anonymous = new List<string>();
        foreach (var bind in hostConfig.Binds ?? [])
        {
            var (source, target, rw) = ParseBind(bind);
            if (volumes.ContainsKey(target))
            {
                throw EngineException.Invalid($"Duplicate bind mount {target}");
            }
            if (source is null)
            {
                anonymous.Add(target);
                continue;
            }
            volumes[target] = new VolumeRecord { Source = source, RW = rw };
        }
        foreach (var from in hostConfig.VolumesFrom ?? [])
        {
            var colon = from.LastIndexOf(':');
            var name = from;
            var mode = "rw";
            if (colon > 0 && from[(colon + 1)..] is "ro" or "rw")
            {
                name = from[..colon];
                mode = from[(colon + 1)..];
            }
            else if (colon > 0)
            {
                throw EngineException.Invalid($"invalid mode for volumes-from: {from[(colon + 1)..]}");
            }
            var other = lookup(name);
            foreach (var (path, volume) in other.Record.Volumes)
            {
                volumes.TryAdd(path, new VolumeRecord { Source = volume.Source, RW = volume.RW && mode == "rw", Anonymous = false });
            }
        }
        foreach (var path in (config.Volumes?.Keys ?? Enumerable.Empty<string>()).Concat(anonymous))
        {
            var target = CleanTarget(path);
            if (volumes.ContainsKey(target))
            {
                continue;
            }
            var source = Path.Combine(volumesRoot, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), "_data");
            volumes[target] = new VolumeRecord { Source = source, RW = true, Anonymous = true, NeedsCopy = true };
        }
        return volumes;
    }

    /// <summary>"host:container[:ro|rw]" or "container" (source null: an anonymous volume).</summary>
    internal static (string? Source, string Target, bool RW) ParseBind(string bind)
    {
        var parts = bind.Split(':');
        string? source = null;
        string target;
        var mode = "rw";
        switch (parts.Length)
        {
            case 1:
                target = parts[0];
                break;
            case 2:
                source = parts[0];
                target = parts[1];
                break;
            case 3:
                source = parts[0];
                target = parts[1];
                mode = parts[2];
                break;
            default:
                throw EngineException.Invalid($"Invalid volume specification: {bind}");
        }
        if (!target.StartsWith('/'))
        {
            throw EngineException.Invalid($"Invalid volume destination path: '{target}' mount path must be absolute.");
        }
        if (source is not null && !source.StartsWith('/'))
        {
            throw EngineException.Invalid($"Invalid volume specification: {bind}");
        }
        var modes = mode.Split(',');
        if (modes.Any(m => m is not ("ro" or "rw" or "z" or "Z")) || (modes.Contains("ro") && modes.Contains("rw")))
        {
            throw EngineException.Invalid($"Invalid volume specification: {bind}");
        }
        return (source, CleanTarget(target), !modes.Contains("ro"));
    }

    private static string CleanTarget(string path)
    {
        if (!path.StartsWith('/'))
        {
            throw EngineException.Invalid($"Invalid volume destination path: '{path}' mount path must be absolute.");
        }
        var clean = "/" + string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries));
        return clean == "/" ? throw EngineException.Invalid("Invalid volume destination path: '/' cannot be a volume") : clean;
    }

    /// <summary>Makes missing sources, fills new volumes from the image, and returns the mounts, shortest path first.</summary>
    public static List<MountSpec> Prepare(Dictionary<string, VolumeRecord> volumes, string rootFs)
    {
        var mounts = new List<MountSpec>();
        foreach (var (target, volume) in volumes.OrderBy(v => v.Key.Length).ThenBy(v => v.Key, StringComparer.Ordinal))
        {
            if (!Path.Exists(volume.Source))
            {
                Directory.CreateDirectory(volume.Source);
            }
            if (volume.NeedsCopy)
            {
                var inImage = ResolveInRoot(rootFs, target);
                if (inImage is not null && Directory.Exists(inImage) && !IsSymlink(inImage))
                {
                    TreeCopy.Copy(inImage, volume.Source);
                }
                volume.NeedsCopy = false;
            }
            var options = new List<string> { "rbind", "rprivate" };
            if (!volume.RW)
            {
                options.Add("ro");
            }
            mounts.Add(new MountSpec(volume.Source, target, "bind", options));
        }
        return mounts;
    }

    private static bool IsSymlink(string path) => new DirectoryInfo(path).LinkTarget is not null;

    /// <summary>The host path of a container path when no component of it is a symlink (then the image content is not copied).</summary>
    private static string? ResolveInRoot(string rootFs, string path)
    {
        var current = rootFs;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            if (!Path.Exists(current) || new FileInfo(current).LinkTarget is not null)
            {
                return null;
            }
        }
        return current;
    }

    /// <summary>Deletes the engine-made volumes of a removed container that no other container uses.</summary>
    public static void RemoveUnused(Container removed, IEnumerable<Container> others)
    {
        var inUse = new HashSet<string>(others.SelectMany(c => c.Record.Volumes.Values.Select(v => v.Source)), StringComparer.Ordinal);
        foreach (var volume in removed.Record.Volumes.Values)
        {
            if (volume.Anonymous && !inUse.Contains(volume.Source))
            {
                var dir = Path.GetDirectoryName(volume.Source)!;
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
        }
    }
}
