using Engine.Core.Containers;
using Engine.Core.Events;
using Engine.Storage.Errors;
using Engine.Storage.ImageArchives;
using Engine.Storage.Images;
using Engine.Storage.Layers;

namespace Engine.Core.Images;

/// <summary>The image store plus what only the engine knows: events, and which images containers use.</summary>
public sealed partial class ImageService(IImageStore store, IImageArchive archive, ILayerStore layers, ContainerManager containers, IEventService events, TimeProvider time,
    Engine.Storage.Registry.IImageRegistry registry) : IImageService
{
    public async Task<Image> ImportAsync(Stream archive, ImportOptions options, CancellationToken cancellationToken = default)
    {
        var image = await store.ImportAsync(archive, options, cancellationToken).ConfigureAwait(false);
        Publish(image.Id, "import");
        return image;
    }

    public Image Get(string nameOrId) => store.Get(nameOrId);

    public IReadOnlyList<Image> List(bool all = false, IReadOnlyDictionary<string, IReadOnlyList<string>>? filters = null)
    {
        var images = store.List();
        if (filters is not null)
        {
            foreach (var (name, values) in filters)
            {
                if (values.Count == 0)
                {
                    continue;
                }
                images = name switch
                {
                    "dangling" => values.Any(v => v is "true" or "1")
                        ? images.Where(i => i.RepoTags.Count == 0).ToList()
                        : values.Any(v => v is "false" or "0") ? images.Where(i => i.RepoTags.Count > 0).ToList()
                        : throw EngineException.Invalid($"Invalid filter 'dangling={values[0]}'"),
                    "label" => images.Where(i => values.All(v => MatchesLabel(i.Labels, v))).ToList(),
                    "reference" => images.Where(i => i.RepoTags.Any(t => values.Any(v => t == v || t == v + ":latest" || t.StartsWith(v + ":", StringComparison.Ordinal)))).ToList(),
                    _ => throw EngineException.Invalid($"Invalid filter '{name}'"),
                };
            }
        }
        if (!all)
        {
            // Without all=1, images that are only the parents of other images are left out.
            var parents = new HashSet<string>(images.Where(i => i.Parent is not null).Select(i => i.Parent!), StringComparer.Ordinal);
            images = images.Where(i => i.RepoTags.Count > 0 || !parents.Contains(i.Id)).ToList();
        }
        return images;
    }

    private static bool MatchesLabel(Dictionary<string, string>? labels, string filter)
    {
        if (labels is null)
        {
            return false;
        }
        var eq = filter.IndexOf('=');
        return eq < 0 ? labels.ContainsKey(filter) : labels.TryGetValue(filter[..eq], out var v) && v == filter[(eq + 1)..];
    }

    public async Task TagAsync(string nameOrId, string repository, string? tag, bool force, CancellationToken cancellationToken = default)
    {
        await store.TagAsync(nameOrId, repository, tag, force, cancellationToken).ConfigureAwait(false);
        var image = store.Get(nameOrId);
        Publish(image.Id, "tag", $"{repository}:{(string.IsNullOrEmpty(tag) ? "latest" : tag)}");
    }

    public async Task<IReadOnlyList<ImageDeleteResult>> DeleteAsync(string nameOrId, bool force, bool noPrune, CancellationToken cancellationToken = default)
    {
        var results = await store.DeleteAsync(nameOrId, force, noPrune, containers.FindImageUser, cancellationToken).ConfigureAwait(false);
        foreach (var r in results)
        {
            if (r.Untagged is { } untagged)
            {
                Publish(untagged, "untag");
            }
            else if (r.Deleted is { } deleted)
            {
                Publish(deleted, "delete");
            }
        }
        return results;
    }

    public IReadOnlyList<Image> History(string nameOrId) => store.History(nameOrId);

    private void Publish(string id, string action, string? name = null) => events.Publish(new EngineEvent
    {
        Type = "image",
        Action = action,
        ActorId = id,
        Attributes = name is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["name"] = name },
        Time = time.GetUtcNow(),
    });
}
