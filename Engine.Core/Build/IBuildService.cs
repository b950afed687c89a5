namespace Engine.Core.Build;

/// <summary>docker build: Docker 1.7's classic builder (see Build/README.md).</summary>
public interface IBuildService
{
    /// <summary>
    /// Builds an image from a build context (a tar, plain or gzip/bzip2/xz/zstd compressed, read once and never held
    /// whole) and the Dockerfile in it. Yields the build's output as Docker prints it ("Step 1 : FROM busybox\n",
    /// " ---> 1a2b3c4d5e6f\n", the RUN output...), then one last message carrying the image id. A failed build
    /// throws (an <see cref="Storage.Errors.EngineException"/> with Docker's message) after the output so far.
    /// </summary>
    IAsyncEnumerable<BuildMessage> BuildAsync(Stream context, BuildOptions options, CancellationToken cancellationToken = default);
}

/// <summary>One piece of build output (<see cref="Stream"/>), or the built image's id (<see cref="ImageId"/>, last).</summary>
public sealed record BuildMessage(string? Stream, string? ImageId = null);
