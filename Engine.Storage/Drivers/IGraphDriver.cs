using Engine.Storage.Archive;

namespace Engine.Storage.Drivers;

/// <summary>
/// Keeps layer directories keyed by a cache id (never by content: the layer store maps diffIDs and chainIDs to
/// cache ids). A layer is created on top of a parent layer, filled by <see cref="ApplyDiffAsync"/> (image
/// layers) or by a container writing into its mounted root (read-write layers).
/// </summary>
public interface IGraphDriver : IDisposable
{
    /// <summary>"overlay" or "vfs".</summary>
    string Name { get; }

    /// <summary>The driver's directory, &lt;DataRoot&gt;/&lt;Name&gt;.</summary>
    string Home { get; }

    /// <summary>Creates the empty layer <paramref name="id"/> on top of <paramref name="parent"/> (null: none).</summary>
    void Create(string id, string? parent);

    /// <summary>Unmounts and deletes a layer. Idempotent.</summary>
    void Remove(string id);

    bool Exists(string id);

    /// <summary>Ids of every layer directory on disk (used to remove leftovers after a crash).</summary>
    IReadOnlyList<string> List();

    /// <summary>Mounts the layer (reference-counted) and returns the directory holding its whole file system.</summary>
    string Get(string id);

    /// <summary>Drops one mount reference; unmounts at zero.</summary>
    void Put(string id);

    /// <summary>Applies an uncompressed layer tar with aufs whiteouts; returns the bytes of regular files written.</summary>
    Task<long> ApplyDiffAsync(string id, string? parent, Stream tar, CancellationToken cancellationToken = default, TarSplitRecorder? recorder = null);

    /// <summary>The directory <see cref="ApplyDiffAsync"/> writes the layer's files to (overlay: the upper dir; vfs: the layer).</summary>
    string ApplyDir(string id);

    /// <summary>What the layer changed relative to its parent, Docker's kinds and order (sorted by path).</summary>
    IReadOnlyList<Change> Changes(string id, string? parent);

    /// <summary>The layer's own changes as a tar with aufs whiteouts.</summary>
    Stream Diff(string id, string? parent);

    /// <summary>Bytes of regular files the layer adds or changes relative to its parent.</summary>
    long DiffSize(string id, string? parent);

    /// <summary>
    /// True when what <see cref="ApplyDiffAsync"/> writes does not depend on the parent (overlay: whiteouts are
    /// devices and xattrs in the layer's own directory), so a layer can be created and applied without a parent
    /// and placed on one later with <see cref="SetParent"/>. False (the default) for copying drivers.
    /// </summary>
    bool AppliesWithoutParent => false;

    /// <summary>Places layer <paramref name="id"/>, created without a parent, on top of <paramref name="parent"/>. Only when <see cref="AppliesWithoutParent"/>.</summary>
    void SetParent(string id, string parent) => throw new NotSupportedException($"the {Name} driver applies layers over a copy of their parent");
}
