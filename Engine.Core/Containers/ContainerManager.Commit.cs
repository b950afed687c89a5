using Engine.Core.Images;
using Engine.Storage.Images;

namespace Engine.Core.Containers;

public sealed partial class ContainerManager
{
    /// <summary>
    /// docker commit: the container's read-write layer becomes a new image on top of the container's image.
    /// The image config is <see cref="CommitOptions.Config"/> with <see cref="CommitOptions.Changes"/> applied,
    /// filled in from the container's config (Docker 1.7's runconfig.Merge). A running container is frozen
    /// meanwhile when <see cref="CommitOptions.Pause"/> is set (and thawed after, unless someone else paused it).
    /// Publishes the container's "commit" event.
    /// </summary>
    internal async Task<Image> CommitAsync(string nameOrId, CommitOptions options, CancellationToken cancellationToken)
    {
        var container = _store.Get(nameOrId);
        var record = container.Record;
        var config = ConfigChanges.Merge(ConfigChanges.Apply(options.Config?.Clone(), options.Changes), record.Config);
        var froze = options.Pause && await FreezeForCommitAsync(container, cancellationToken).ConfigureAwait(false);
        Image image;
        try
        {
            var rw = _layers.GetReadWriteLayer(container.Id);
            image = await _images.CommitAsync(rw, config, options.Comment, options.Author, options.Repository, options.Tag,
                container.Id, record.Config, record.ImageId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (froze)
            {
                await ThawAfterCommitAsync(container).ConfigureAwait(false);
            }
        }
        var reference = image.RepoTags.FirstOrDefault() ?? "";
        Publish(container, "commit", new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["comment"] = options.Comment ?? "",
            ["imageID"] = image.Id,
            ["imageRef"] = reference,
        });
        return image;
    }

    /// <summary>Freezes a running, unpaused container (no pause event: Docker's commit does not send one). True when it did.</summary>
    private async Task<bool> FreezeForCommitAsync(Container container, CancellationToken cancellationToken)
    {
        await container.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = container.Record.State;
            if (container.Process is null || !state.Running || state.Paused)
            {
                return false;
            }
            await _runtime.SetFrozenAsync(container.Id, true, cancellationToken).ConfigureAwait(false);
            state.Paused = true;
            _store.Save(container);
            return true;
        }
        finally
        {
            container.Lock.Release();
        }
    }

    private async Task ThawAfterCommitAsync(Container container)
    {
        await container.Lock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var state = container.Record.State;
            if (container.Process is null || !state.Running || !state.Paused)
            {
                return;
            }
            await _runtime.SetFrozenAsync(container.Id, false, CancellationToken.None).ConfigureAwait(false);
            state.Paused = false;
            _store.Save(container);
        }
        finally
        {
            container.Lock.Release();
        }
    }

    /// <summary>The container that uses an image id, if any (a running one first), for Docker's delete conflicts.</summary>
    internal ImageUser? FindImageUser(string imageId)
    {
        var users = _store.All().Where(c => c.Record.ImageId == imageId).ToList();
        var user = users.FirstOrDefault(c => c.Record.State.Running) ?? users.FirstOrDefault();
        return user is null ? null : new ImageUser(user.Id, user.Record.State.Running);
    }
}
