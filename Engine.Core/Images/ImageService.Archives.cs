using Engine.Storage.Errors;
using Engine.Storage.ImageArchives;
using Engine.Storage.Images;
using Engine.Storage.Layers;

namespace Engine.Core.Images;

public sealed partial class ImageService
{
    private static readonly HttpClient Downloads = new(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public async Task SaveAsync(IReadOnlyList<string> names, Stream output, CancellationToken cancellationToken = default)
    {
        if (names.Count == 0)
        {
            throw EngineException.Invalid("no image names given");
        }
        await archive.SaveAsync(names, output, cancellationToken).ConfigureAwait(false);
        foreach (var id in names.Select(n => store.TryGet(n)?.Id).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            Publish(id, "save");
        }
    }

    public async Task<IReadOnlyList<LoadedImage>> LoadAsync(Stream input, CancellationToken cancellationToken = default)
    {
        var loaded = await archive.LoadAsync(input, cancellationToken).ConfigureAwait(false);
        foreach (var image in loaded)
        {
            Publish(image.Id, "load", image.RepoTags.FirstOrDefault());
        }
        return loaded;
    }

    public Task<Image> CommitAsync(string containerNameOrId, CommitOptions options, CancellationToken cancellationToken = default) =>
        containers.CommitAsync(containerNameOrId, options, cancellationToken);

    public async Task<Image> ImportAsync(Uri source, ImportOptions options, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        if (source.Scheme is not ("http" or "https"))
        {
            throw EngineException.Invalid($"unsupported import source {source}: only http and https URLs");
        }
        progress?.Report($"Downloading from {source}");
        HttpResponseMessage response;
        try
        {
            response = await Downloads.GetAsync(source, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw EngineException.Invalid($"Get {source}: {e.Message}");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw EngineException.Invalid($"Get {source}: {(int)response.StatusCode} {response.ReasonPhrase}");
            }
            progress?.Report("Importing");
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                return await ImportAsync(body, options, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public IReadOnlyList<ImageHistoryEntry> GetHistory(string nameOrId)
    {
        var image = store.Get(nameOrId);
        if (image.ConfigHistory.Count == 0)
        {
            // No build steps recorded (Docker 1.7 images): one entry per image of the parent chain.
            return [.. store.History(image.Id).Select(i => new ImageHistoryEntry(i.Id, i.Created,
                i.ContainerConfig?.Cmd is { } cmd ? string.Join(' ', cmd) : "", i.RepoTags, i.Size, i.Comment))];
        }
        var chainIds = Digests.ChainIds(image.DiffIds);
        var entries = new List<(string Id, IReadOnlyList<string> Tags, HistoryEntry Step, long Size)>();
        var layer = 0;
        foreach (var step in image.ConfigHistory)
        {
            long size = 0;
            if (!step.EmptyLayer && layer < chainIds.Count)
            {
                size = layers.TryGetLayer(chainIds[layer])?.Size ?? 0;
                layer++;
            }
            entries.Add((ImageHistoryEntry.Missing, [], step, size));
        }
        // The image owns the newest step; each known parent the last step of its own history.
        for (var current = (Image?)image; current is not null; current = current.Parent is null ? null : store.TryGet(current.Parent))
        {
            var index = current == image ? entries.Count - 1 : current.ConfigHistory.Count - 1;
            if (index >= 0 && index < entries.Count)
            {
                entries[index] = (current.Id, current.RepoTags, entries[index].Step, entries[index].Size);
            }
        }
        entries.Reverse();
        return [.. entries.Select(e => new ImageHistoryEntry(e.Id, e.Step.Created ?? default, e.Step.CreatedBy ?? "", e.Tags, e.Size, e.Step.Comment ?? ""))];
    }
}
