using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Engine.Core.Build.Dockerfile;
using Engine.Core.Containers;
using Engine.Core.Images;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Engine.Storage.Layers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engine.Core.Build;

/// <summary>
/// The default <see cref="IBuildService"/>: unpacks the context under the data root, reads the Dockerfile and
/// .dockerignore, runs a <see cref="Builder"/> on a worker task and hands its output over a bounded channel (a
/// slow reader slows the build rather than growing memory), then tags the result.
/// </summary>
public sealed partial class BuildService(
    IImageStore images,
    ILayerStore layers,
    IContainerService containers,
    IImageService imageService,
    IOptions<EngineOptions> engineOptions,
    ILogger<BuildService> logger) : IBuildService
{
    private const string DefaultDockerfile = "Dockerfile";
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromMinutes(10) };

    public async IAsyncEnumerable<BuildMessage> BuildAsync(Stream context, BuildOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var tags = ParseTags(options.Tags);
        var channel = Channel.CreateBounded<BuildMessage>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? failure = null;
        var worker = Task.Run(async () =>
        {
            try
            {
                var id = await RunAsync(context, options, tags, text => channel.Writer.WriteAsync(new BuildMessage(text), cts.Token), cts.Token).ConfigureAwait(false);
                await channel.Writer.WriteAsync(new BuildMessage(null, id), cts.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        }, CancellationToken.None);
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var message))
                {
                    yield return message;
                }
            }
        }
        finally
        {
            // The reader went away (or finished): stop the build and wait for its cleanup.
            await cts.CancelAsync().ConfigureAwait(false);
            await worker.ConfigureAwait(false);
        }
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private async Task<string> RunAsync(Stream archive, BuildOptions options, List<(string Repository, string? Tag)> tags, Func<string, ValueTask> output, CancellationToken cancellationToken)
    {
        var parent = Path.Combine(engineOptions.Value.DataRoot, "tmp");
        Directory.CreateDirectory(parent);
        using var context = await BuildContext.ExtractAsync(archive, parent, cancellationToken).ConfigureAwait(false);
        var instructions = ReadDockerfile(context, options.Dockerfile);
        LogBuildStarted(context.Root, instructions.Count);
        var builder = new Builder(images, layers, containers, context, options, s_http, output);
        var id = await builder.RunAsync(instructions, cancellationToken).ConfigureAwait(false);
        foreach (var (repository, tag) in tags)
        {
            await imageService.TagAsync(id, repository, tag, force: true, cancellationToken).ConfigureAwait(false);
        }
        LogBuildFinished(id);
        return id;
    }

    /// <summary>Docker 1.7's readDockerfile: the named file, or "Dockerfile" falling back to "dockerfile"; then .dockerignore.</summary>
    private static IReadOnlyList<Instruction> ReadDockerfile(BuildContext context, string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            name = DefaultDockerfile;
            if (!context.Exists(name) && context.Exists(name.ToLowerInvariant()))
            {
                name = name.ToLowerInvariant();
            }
        }
        var path = context.Resolve(name);
        if (!File.Exists(path))
        {
            throw EngineException.Invalid($"Cannot locate specified Dockerfile: {name}");
        }
        var text = File.ReadAllText(path);
        if (text.Length == 0)
        {
            throw EngineException.Invalid($"The Dockerfile ({name}) cannot be empty");
        }
        var instructions = DockerfileParser.Parse(text);
        var ignorePath = context.Resolve(".dockerignore");
        if (File.Exists(ignorePath))
        {
            // The Dockerfile and .dockerignore themselves go too when listed (after being read), as in Docker 1.7.
            context.ApplyIgnore(DockerIgnore.Parse(File.ReadAllText(ignorePath)));
        }
        return instructions;
    }

    /// <summary>Validates every "repo[:tag]" before anything runs (Docker answers a bad name before building).</summary>
    private static List<(string, string?)> ParseTags(IReadOnlyList<string> tags)
    {
        var result = new List<(string, string?)>();
        foreach (var t in tags)
        {
            if (string.IsNullOrEmpty(t))
            {
                continue;
            }
            var (repository, tag, digest) = Reference.Split(t);
            if (digest is not null)
            {
                throw EngineException.Invalid($"invalid reference format: {t} (a digest cannot be a build tag)");
            }
            Reference.ValidateRepository(Reference.Normalize(repository));
            if (!string.IsNullOrEmpty(tag))
            {
                Reference.ValidateTag(tag);
            }
            result.Add((repository, tag));
        }
        return result;
    }

    [LoggerMessage(EventId = 2600, Level = LogLevel.Debug, Message = "Build started in {ContextDirectory}: {Steps} instructions")]
    private partial void LogBuildStarted(string contextDirectory, int steps);

    [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "Built image {ImageId}")]
    private partial void LogBuildFinished(string imageId);
}
