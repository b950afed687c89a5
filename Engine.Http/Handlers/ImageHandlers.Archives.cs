using System.Text.Json;
using Engine.Core.Images;
using Engine.Http.Json;
using Engine.Http.Routing;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Microsoft.AspNetCore.Http.Features;

namespace Engine.Http.Handlers;

/// <summary>docker save / load / commit, and import from a URL.</summary>
internal static partial class ImageHandlers
{
    /// <summary>GET /images/(name)/get: the archive streamed as it is written (chunked), never buffered whole.</summary>
    public static Task SaveAsync(ApiContext c) => WriteArchiveAsync(c, [c.Route("name")]);

    /// <summary>GET /images/get?names=a&amp;names=b.</summary>
    public static Task SaveManyAsync(ApiContext c)
    {
        var names = c.Http.Request.Query["names"].Where(n => !string.IsNullOrEmpty(n)).Select(n => n!).ToList();
        if (names.Count == 0)
        {
            throw new Errors.BadHttpInputException("no image names given: use names=NAME (repeated for several)");
        }
        return WriteArchiveAsync(c, names);
    }

    private static async Task WriteArchiveAsync(ApiContext c, IReadOnlyList<string> names)
    {
        // Resolve first so that an unknown name is a 404 and not a broken 200.
        foreach (var name in names)
        {
            c.Engine.Images.Get(name);
        }
        c.Http.Response.StatusCode = 200;
        c.Http.Response.ContentType = "application/x-tar";
        await c.Http.Response.StartAsync(c.Aborted);
        await c.Engine.Images.SaveAsync(names, c.Http.Response.Body, c.Aborted);
    }

    /// <summary>
    /// POST /images/load. Docker 1.7 answered 200 with an empty body; later daemons stream JSON lines
    /// {"stream":"Loaded image: NAME\n"}, which both the 1.7 client and current clients display. We answer those
    /// lines at every version, so that `docker load` says what it loaded.
    /// </summary>
    public static async Task LoadAsync(ApiContext c)
    {
        AllowUnlimitedBody(c);
        var loaded = await c.Engine.Images.LoadAsync(c.Http.Request.Body, c.Aborted);
        c.Http.Response.StatusCode = 200;
        c.Http.Response.ContentType = "application/json";
        foreach (var image in loaded)
        {
            var lines = image.RepoTags.Count > 0
                ? image.RepoTags.Select(t => $"Loaded image: {t}\n")
                : [$"Loaded image ID: {image.Id}\n"];
            foreach (var line in lines)
            {
                await c.WriteProgressLineAsync(new ProgressLine { Stream = line });
            }
        }
    }

    /// <summary>POST /commit?container=&amp;repo=&amp;tag=&amp;comment=&amp;author=&amp;pause=&amp;changes= with an optional config body: 201 {"Id"}.</summary>
    public static async Task CommitAsync(ApiContext c)
    {
        var container = c.Query("container");
        if (string.IsNullOrEmpty(container))
        {
            throw new Errors.BadHttpInputException("container is required");
        }
        var config = RequestBodies.ReadCommitConfig(await c.ReadBodyAsync());
        var (repository, tag) = SplitReference(c.Query("repo"), c.Query("tag"));
        var image = await c.Engine.Images.CommitAsync(container, new CommitOptions
        {
            Repository = repository,
            Tag = tag,
            Comment = c.Query("comment"),
            Author = c.Query("author"),
            Pause = c.QueryBool("pause", defaultValue: true),
            Config = config,
            Changes = Changes(c),
        }, c.Aborted);
        await c.WriteJsonAsync(new CommitResponse { Id = DockerFormat.ImageId(image.Id, c.Version) }, EngineJsonContext.Default.CommitResponse, 201);
    }

    /// <summary>
    /// POST /images/create?fromSrc=URL: Docker 1.7 reads a URL without a scheme as http://URL. The progress
    /// stream starts before the download, so failures after it are JSON error lines, as Docker writes them.
    /// </summary>
    private static async Task ImportFromUrlAsync(ApiContext c, string fromSrc)
    {
        if (!Uri.TryCreate(fromSrc, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            if (!Uri.TryCreate("http://" + fromSrc, UriKind.Absolute, out uri))
            {
                throw new Errors.BadHttpInputException($"invalid import source: {fromSrc}");
            }
        }
        var options = ImportOptionsFrom(c);
        c.Http.Response.StatusCode = 200;
        c.Http.Response.ContentType = "application/json";
        await c.WriteProgressLineAsync(new ProgressLine { Status = $"Downloading from {uri}" });
        Image image;
        try
        {
            image = await c.Engine.Images.ImportAsync(uri, options, null, c.Aborted);
        }
        catch (EngineException e)
        {
            await c.WriteProgressLineAsync(new ProgressLine { ErrorDetail = new ErrorDetail { Message = e.Message }, Error = e.Message });
            return;
        }
        await c.WriteProgressLineAsync(new ProgressLine { Status = DockerFormat.ImageId(image.Id, c.Version) });
    }

    private static ImportOptions ImportOptionsFrom(ApiContext c)
    {
        var (repository, tag) = SplitReference(c.Query("repo"), c.Query("tag"));
        return new ImportOptions
        {
            Repository = repository,
            Tag = tag,
            Comment = c.Query("message"),
            Config = ConfigChanges.Apply(null, Changes(c)),
        };
    }

    private static List<string> Changes(ApiContext c) =>
        [.. c.Http.Request.Query["changes"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!)];

    private static void AllowUnlimitedBody(ApiContext c)
    {
        if (c.Http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }
    }

}
