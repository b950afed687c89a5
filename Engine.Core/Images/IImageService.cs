using Engine.Storage.Images;

namespace Engine.Core.Images;

/// <summary>Images as the engine exposes them: the store plus events and the in-use checks against containers.</summary>
public interface IImageService
{
    Task<Image> ImportAsync(Stream archive, ImportOptions options, CancellationToken cancellationToken = default);
    Image Get(string nameOrId);
    IReadOnlyList<Image> List(bool all = false, IReadOnlyDictionary<string, IReadOnlyList<string>>? filters = null);
    Task TagAsync(string nameOrId, string repository, string? tag, bool force, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<ImageDeleteResult>> DeleteAsync(string nameOrId, bool force, bool noPrune, CancellationToken cancellationToken = default);
    IReadOnlyList<Image> History(string nameOrId);
}
