using Engine.Storage.Images;

namespace Engine.Core.Images;

/// <summary>What <see cref="IImageService.CommitAsync"/> makes of a container (POST /commit's parameters).</summary>
public sealed class CommitOptions
{
    /// <summary>Repository to tag the new image with; none leaves it untagged.</summary>
    public string? Repository { get; init; }
    public string? Tag { get; init; }
    public string? Comment { get; init; }
    public string? Author { get; init; }
    /// <summary>Freeze a running container while its changes are read (Docker's default).</summary>
    public bool Pause { get; init; } = true;
    /// <summary>Config values for the new image; what it leaves empty comes from the container's config (Docker 1.7's runconfig.Merge).</summary>
    public ContainerConfig? Config { get; init; }
    /// <summary>Dockerfile instructions applied to <see cref="Config"/> first (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR).</summary>
    public IReadOnlyList<string> Changes { get; init; } = [];
}
