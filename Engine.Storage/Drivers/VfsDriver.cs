using Engine.Storage.Archive;

namespace Engine.Storage.Drivers;

/// <summary>
/// The copying fallback: every layer is a full copy of its parent plus its own changes, at
/// &lt;home&gt;/dir/&lt;id&gt;. Nothing is mounted; works without root.
/// </summary>
public sealed class VfsDriver : IGraphDriver
{
    public VfsDriver(string home)
    {
        Home = Path.GetFullPath(home).TrimEnd('/');
        Directory.CreateDirectory(Home + "/dir");
    }

    public string Name => "vfs";
    public string Home { get; }

    internal string Dir(string id)
    {
        if (id.Length == 0 || id.Contains('/') || id is "." or "..")
        {
            throw new ArgumentException($"invalid layer id \"{id}\"", nameof(id));
        }
        return Home + "/dir/" + id;
    }

    public void Create(string id, string? parent)
    {
        var dir = Dir(id);
        Directory.CreateDirectory(dir);
        if (parent is not null)
        {
            FileTree.Copy(Dir(parent), dir);
        }
        else
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0x1ED);
        }
    }

    public void Remove(string id) => FileTree.RemoveAll(Dir(id));

    public bool Exists(string id) => Directory.Exists(Dir(id));

    public IReadOnlyList<string> List() =>
        [.. Directory.EnumerateDirectories(Home + "/dir").Select(d => Path.GetFileName(d)!)];

    public string Get(string id) => Dir(id);

    public void Put(string id)
    {
    }

    public Task<long> ApplyDiffAsync(string id, string? parent, Stream tar, CancellationToken cancellationToken = default, TarSplitRecorder? recorder = null) =>
        LayerApplier.ApplyAsync(tar, Dir(id), WhiteoutMode.Delete, cancellationToken, recorder);

    public string ApplyDir(string id) => Dir(id);

    public IReadOnlyList<Change> Changes(string id, string? parent) =>
        LayerChanges.Compare(Dir(id), parent is null ? null : Dir(parent));

    public Stream Diff(string id, string? parent) =>
        LayerExport.FromChanges(Dir(id), Changes(id, parent));

    public long DiffSize(string id, string? parent) =>
        LayerChanges.SizeOf(Dir(id), Changes(id, parent));

    public void Dispose()
    {
    }
}
