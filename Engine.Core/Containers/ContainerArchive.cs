using Engine.Storage.Archive;

namespace Engine.Core.Containers;

/// <summary>
/// What stat(2) says about a path inside a container (HEAD/GET /containers/(id)/archive). <see cref="Mode"/> is the
/// st_mode (file type and permission bits); <see cref="LinkTarget"/> is the fully resolved target, as an absolute path
/// inside the container, when the path is a symlink.
/// </summary>
public sealed record ContainerPathStat(string Name, long Size, uint Mode, DateTimeOffset Mtime, string LinkTarget);

/// <summary>
/// A tar of a container's file system or of one path in it, not yet written. The container's root file system stays
/// mounted until it is disposed; <see cref="WriteToAsync"/> streams (nothing is buffered beyond a write buffer).
/// </summary>
public sealed class ContainerArchive : IAsyncDisposable
{
    private const int WriteBufferSize = 256 * 1024;
    private readonly string _path;
    private readonly string _name;
    private Func<Task>? _release;

    internal ContainerArchive(ContainerPathStat? stat, string path, string name, Func<Task> release)
    {
        Stat = stat;
        _path = path;
        _name = name;
        _release = release;
    }

    /// <summary>The archived path's stat (null for a whole-container export).</summary>
    public ContainerPathStat? Stat { get; }

    /// <summary>Writes the tar to <paramref name="destination"/> (flushed, not closed). Once.</summary>
    public async Task WriteToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_release is null, this);
        // Not disposed: that would close the destination.
        var buffered = new BufferedStream(destination, WriteBufferSize);
        await TreeArchive.WriteAsync(buffered, _path, _name, cancellationToken).ConfigureAwait(false);
        await buffered.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _release, null) is { } release)
        {
            await release().ConfigureAwait(false);
        }
    }
}
