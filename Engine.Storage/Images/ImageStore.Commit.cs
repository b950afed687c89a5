using System.Text.Json;
using Engine.Storage.Errors;
using Engine.Storage.Layers;

namespace Engine.Storage.Images;

public sealed partial class ImageStore
{
    public async Task<Image> CommitAsync(IReadWriteLayer rwLayer, ContainerConfig? config, string? comment, string? author, string? repository, string? tag,
        string? containerId, ContainerConfig? containerConfig, string? parentImageId = null, CancellationToken cancellationToken = default)
    {
        if (repository is not null)
        {
            Reference.ValidateRepository(Reference.Normalize(repository));
            if (!string.IsNullOrEmpty(tag))
            {
                Reference.ValidateTag(tag);
            }
        }
        Image? parent = null;
        if (parentImageId is not null)
        {
            parent = Get(parentImageId);
        }
        else if (!string.IsNullOrEmpty(containerConfig?.Image))
        {
            parent = TryGet(containerConfig.Image);
        }
        if (parent is not null && parent.TopChainId != rwLayer.ParentChainId)
        {
            throw EngineException.Invalid($"the container's layers are not those of image {ShortId(parent.Id)}");
        }
        var parentConfig = parent is null ? null : ParseConfig(GetConfigBytes(parent.Id));

        LayerInfo layer;
        var diff = rwLayer.Diff();
        await using (diff.ConfigureAwait(false))
        {
            layer = await _layers.RegisterAsync(diff, rwLayer.ParentChainId, cancellationToken).ConfigureAwait(false);
        }
        var added = false;
        try
        {
            var now = _time.GetUtcNow();
            var createdBy = containerConfig?.Cmd is { } cmd ? string.Join(' ', cmd) : "";
            var history = new List<HistoryEntry>(parentConfig?.History ?? []);
            history.Add(new HistoryEntry { Created = now, Author = NullIfEmpty(author), CreatedBy = NullIfEmpty(createdBy), Comment = NullIfEmpty(comment) });
            var diffIds = new List<string>(parentConfig?.RootFs?.DiffIds ?? []) { layer.DiffId };
            var imageConfig = new ImageConfig
            {
                Architecture = parentConfig?.Architecture ?? HostArchitecture,
                Os = parentConfig?.Os ?? "linux",
                Config = config ?? parentConfig?.Config,
                Container = containerId,
                ContainerConfig = containerConfig,
                Created = now,
                DockerVersion = DockerVersion,
                Author = NullIfEmpty(author),
                Comment = NullIfEmpty(comment),
                Parent = parent?.Id,
                History = history,
                RootFs = new RootFs { DiffIds = diffIds },
            };
            var bytes = JsonSerializer.SerializeToUtf8Bytes(imageConfig, StorageJsonContext.Default.ImageConfig);
            var image = await AddAsync(bytes, parent?.Id, cancellationToken).ConfigureAwait(false);
            added = true;
            if (repository is not null)
            {
                await TagAsync(image.Id, repository, tag, force: true, cancellationToken).ConfigureAwait(false);
                image = Get(image.Id);
            }
            return image;
        }
        catch
        {
            if (!added)
            {
                await _layers.ReleaseAsync(layer.ChainId, CancellationToken.None).ConfigureAwait(false);
            }
            throw;
        }
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
