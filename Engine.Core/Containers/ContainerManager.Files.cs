using Engine.Storage.Archive;
using Engine.Storage.Drivers;
using Engine.Storage.Errors;

namespace Engine.Core.Containers;

/// <summary>
/// The container's file system from outside: changes, export, copy and the archive endpoints. Every path is
/// resolved inside the container's root (symlinks followed with the root as "/", ".." clamped at it), as Docker
/// does in its chroot. A stopped container's layer is mounted for the duration of the call (reference-counted,
/// so a running container's mount is shared and a stop meanwhile does not pull it away).
/// </summary>
public sealed partial class ContainerManager
{
    /// <summary>Files Docker bind-mounts into every started container, served from the container's directory.</summary>
    private static readonly string[] NetworkFiles = ["etc/hostname", "etc/hosts", "etc/resolv.conf"];

    /// <summary>
    /// Mount points the runtime makes in the read-write layer. Docker makes them in a hidden "-init" layer below the
    /// container's, so they never show in its diff; they are left out here the same way.
    /// </summary>
    private static readonly HashSet<string> InitPaths = new(StringComparer.Ordinal)
    {
        "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/dev/console", "/proc", "/sys",
        "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/etc/mtab", "/.dockerenv", "/.dockerinit",
    };

    /// <summary>What the container changed in its image's file system, sorted by path (Docker's kinds).</summary>
    public Task<IReadOnlyList<Change>> ChangesAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var container = _store.Get(nameOrId);
        var changes = _layers.GetReadWriteLayer(container.Id).Changes();
        return Task.FromResult(WithoutInitPaths(changes));
    }

    /// <summary>Drops <see cref="InitPaths"/>, and directories reported modified only because one of them is inside.</summary>
    internal static IReadOnlyList<Change> WithoutInitPaths(IReadOnlyList<Change> changes)
    {
        var kept = changes.Where(c => !InitPaths.Contains(c.Path)).ToList();
        var dropped = changes.Where(c => InitPaths.Contains(c.Path)).Select(c => c.Path).ToList();
        return kept.Where(c => !(c.Kind == ChangeKind.Modify
            && dropped.Any(d => d.StartsWith(c.Path + "/", StringComparison.Ordinal))
            && !kept.Any(o => o.Path.StartsWith(c.Path + "/", StringComparison.Ordinal)))).ToList();
    }

    /// <summary>The container's whole merged file system as a tar (docker export). Publishes <c>export</c>.</summary>
    public async Task<ContainerArchive> ExportAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var (container, root, release) = await MountRootAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        Publish(container, "export");
        return new ContainerArchive(null, root, "", release);
    }

    /// <summary>
    /// POST /containers/(id)/copy of API 1.19: the path with every symlink followed, archived under its (resolved)
    /// base name. NotFound "Could not find the file" when it does not exist. Publishes <c>copy</c>.
    /// </summary>
    public async Task<ContainerArchive> CopyAsync(string nameOrId, string resource, CancellationToken cancellationToken = default)
    {
        var (container, root, release) = await MountRootAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        try
        {
            var abs = CleanAbsolute(resource);
            var resolved = MapNetworkFile(container, root, RootPath.Resolve(root, abs, create: false));
            if (TreeArchive.LStat(resolved) is null)
            {
                throw FileNotFound(resource, nameOrId);
            }
            var name = resolved == root ? "." : Path.GetFileName(resolved);
            Publish(container, "copy");
            return new ContainerArchive(null, resolved, name, release);
        }
        catch
        {
            await release().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stat of a path in the container, the last element not followed (HEAD /containers/(id)/archive).</summary>
    public async Task<ContainerPathStat> StatPathAsync(string nameOrId, string path, CancellationToken cancellationToken = default)
    {
        var (container, root, release) = await MountRootAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        try
        {
            return StatPath(container, root, nameOrId, path).Stat;
        }
        finally
        {
            await release().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A tar of a path in the container and its stat (GET /containers/(id)/archive): the last element is not followed,
    /// entries are named after the requested base name ("/tmp/d/." gives "./..."). Publishes <c>archive-path</c>.
    /// </summary>
    public async Task<ContainerArchive> GetArchiveAsync(string nameOrId, string path, CancellationToken cancellationToken = default)
    {
        var (container, root, release) = await MountRootAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        try
        {
            var (stat, resolved, abs) = StatPath(container, root, nameOrId, path);
            var name = abs == "/" ? "" : stat.Name;
            Publish(container, "archive-path");
            return new ContainerArchive(stat, resolved, name, release);
        }
        catch
        {
            await release().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Extracts a tar (any supported compression) into a directory of the container (PUT /containers/(id)/archive),
    /// the path's last element followed. NotFound when the path does not exist, InvalidParameter when it is not a
    /// directory, Forbidden with a read-only root file system. Entries are confined to the directory: names and hard
    /// links climbing out and symlinks pointing out of it are refused. Publishes <c>extract-to-dir</c>.
    /// </summary>
    public async Task ExtractToDirectoryAsync(string nameOrId, string path, Stream archive, bool noOverwriteDirNonDir, CancellationToken cancellationToken = default)
    {
        var (container, root, release) = await MountRootAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        try
        {
            var resolved = RootPath.Resolve(root, CleanAbsolute(path), create: false);
            var st = TreeArchive.LStat(resolved) ?? throw FileNotFound(path, nameOrId);
            if (!st.IsDirectory)
            {
                throw EngineException.Invalid("extraction point is not a directory");
            }
            if (container.Record.HostConfig.ReadonlyRootfs)
            {
                throw EngineException.Forbidden("container rootfs is marked read-only");
            }
            var (tar, _) = await Decompression.OpenAsync(archive, leaveOpen: true, cancellationToken).ConfigureAwait(false);
            await using (tar.ConfigureAwait(false))
            {
                await LayerApplier.ApplyAsync(tar, resolved, WhiteoutMode.None, cancellationToken, noOverwriteDirNonDir: noOverwriteDirNonDir).ConfigureAwait(false);
            }
            Publish(container, "extract-to-dir");
        }
        finally
        {
            await release().ConfigureAwait(false);
        }
    }

    private (ContainerPathStat Stat, string Resolved, string Abs) StatPath(Container container, string root, string nameOrId, string path)
    {
        var abs = CleanAbsolute(path);
        // Keep what the trailing "/" or "/." says: the directory itself (followed), its contents.
        var requested = abs == "/" ? "/" : path.EndsWith("/.", StringComparison.Ordinal) ? abs + "/." : path.EndsWith('/') ? abs + "/" : abs;
        var slash = requested.LastIndexOf('/');
        var dir = RootPath.Resolve(root, requested[..(slash + 1)], create: false);
        var baseName = requested[(slash + 1)..];
        var resolved = baseName is "" or "." ? dir : dir + "/" + baseName;
        resolved = MapNetworkFile(container, root, resolved);
        var st = TreeArchive.LStat(resolved) ?? throw FileNotFound(path, nameOrId);
        var linkTarget = "";
        if (st.IsSymlink)
        {
            var target = RootPath.Resolve(root, abs, create: false);
            linkTarget = "/" + RelativeTo(root, target);
        }
        var name = requested.EndsWith("/.", StringComparison.Ordinal) ? "." : abs == "/" ? "/" : abs[(abs.LastIndexOf('/') + 1)..];
        var mtime = DateTimeOffset.FromUnixTimeSeconds(st.MtimeSec).AddTicks(st.MtimeNsec / 100);
        return (new ContainerPathStat(name, st.Size, st.Mode, mtime, linkTarget), resolved, abs);
    }

    /// <summary>/etc/hostname, /etc/hosts and /etc/resolv.conf of a started container are the engine's files (bind-mounted in it).</summary>
    private static string MapNetworkFile(Container container, string root, string resolved)
    {
        if (!container.Record.HasBeenStarted)
        {
            return resolved;
        }
        var rel = RelativeTo(root, resolved);
        foreach (var file in NetworkFiles)
        {
            if (rel == file)
            {
                var hostFile = Path.Combine(container.Directory, Path.GetFileName(file));
                return File.Exists(hostFile) ? hostFile : resolved;
            }
        }
        return resolved;
    }

    /// <summary>The path made absolute and cleaned lexically ("." and ".." resolved, ".." clamped at "/").</summary>
    internal static string CleanAbsolute(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                continue;
            }
            parts.Add(part);
        }
        return "/" + string.Join('/', parts);
    }

    private static string RelativeTo(string root, string path) =>
        path.Length <= root.Length ? "" : path[(root.Length + 1)..];

    private static EngineException FileNotFound(string path, string container) =>
        EngineException.NotFound($"Could not find the file {path} in container {container}");

    /// <summary>Mounts the container's layer (one more reference) and returns its root and the matching release.</summary>
    private async Task<(Container Container, string Root, Func<Task> Release)> MountRootAsync(string nameOrId, CancellationToken cancellationToken)
    {
        var container = _store.Get(nameOrId);
        var layer = _layers.GetReadWriteLayer(container.Id);
        var root = (await layer.MountAsync(cancellationToken).ConfigureAwait(false)).TrimEnd('/');
        return (container, root, () => layer.UnmountAsync(CancellationToken.None));
    }
}
