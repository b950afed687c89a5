using System.Text.Json;
using Engine.Core.Images;
using Engine.Http.Errors;
using Engine.Http.Json;
using Engine.Http.Routing;
using Engine.Storage.Images;
using Microsoft.AspNetCore.Http.Features;

namespace Engine.Http.Handlers;

/// <summary>The /images family: list, inspect, history, tag, delete, create (import from the body).</summary>
internal static partial class ImageHandlers
{
    public static Task ListAsync(ApiContext c)
    {
        var images = c.Engine.Images.List(c.QueryBool("all"), QueryParsing.Filters(c.Query("filters")));
        var items = images.Select(i => ToListItem(i, c.Version)).ToList();
        return c.WriteJsonAsync(items, EngineJsonContext.Default.ListImageListItem);
    }

    public static Task InspectAsync(ApiContext c)
    {
        var image = c.Engine.Images.Get(c.Route("name"));
        return c.WriteJsonAsync(ToInspect(image, c.Version), EngineJsonContext.Default.ImageInspectResponse);
    }

    public static Task HistoryAsync(ApiContext c)
    {
        var history = c.Engine.Images.GetHistory(c.Route("name"));
        var items = history.Select(i => new ImageHistoryItem
        {
            Id = i.Id == ImageHistoryEntry.Missing ? i.Id : DockerFormat.ImageId(i.Id, c.Version),
            Created = DockerFormat.UnixSeconds(i.Created),
            CreatedBy = i.CreatedBy,
            Tags = i.Tags.Count == 0 ? null : [.. i.Tags],
            Size = i.Size,
            Comment = i.Comment,
        }).ToList();
        return c.WriteJsonAsync(items, EngineJsonContext.Default.ListImageHistoryItem);
    }

    public static async Task TagAsync(ApiContext c)
    {
        var repo = c.Query("repo");
        if (string.IsNullOrEmpty(repo))
        {
            throw new BadHttpInputException("repository name must have at least one component");
        }
        var tag = c.Query("tag");
        await c.Engine.Images.TagAsync(c.Route("name"), repo, string.IsNullOrEmpty(tag) ? null : tag, c.QueryBool("force"), c.Aborted);
        c.Status(201);
    }

    public static async Task DeleteAsync(ApiContext c)
    {
        var results = await c.Engine.Images.DeleteAsync(c.Route("name"), c.QueryBool("force"), c.QueryBool("noprune"), c.Aborted);
        var items = results.Select(r => new ImageDeleteItem
        {
            Untagged = r.Untagged,
            Deleted = r.Deleted is null ? null : DockerFormat.ImageId(r.Deleted, c.Version),
        }).ToList();
        await c.WriteJsonAsync(items, EngineJsonContext.Default.ListImageDeleteItem);
    }

    /// <summary>
    /// POST /images/create. fromSrc=- streams the body straight into the import and answers Docker's
    /// progress line {"status":"&lt;id&gt;"}; fromImage pulls from a registry (ImageHandlers.Registry.cs).
    /// </summary>
    public static async Task CreateAsync(ApiContext c)
    {
        var fromSrc = c.Query("fromSrc");
        if (fromSrc == "-")
        {
            if (c.Http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = null;
            }
            var image = await c.Engine.Images.ImportAsync(c.Http.Request.Body, ImportOptionsFrom(c), c.Aborted);
            await WriteProgressAsync(c, new ProgressLine { Status = DockerFormat.ImageId(image.Id, c.Version) });
            return;
        }
        if (!string.IsNullOrEmpty(fromSrc))
        {
            await ImportFromUrlAsync(c, fromSrc);
            return;
        }
        var fromImage = c.Query("fromImage");
        if (string.IsNullOrEmpty(fromImage))
        {
            throw new BadHttpInputException("fromImage or fromSrc is required");
        }
        await PullAsync(c, fromImage, c.Query("tag"));
    }

    /// <summary>"repo:tag" in repo with no tag given splits as Docker does (a ':' after the last '/').</summary>
    internal static (string? Repository, string? Tag) SplitReference(string? repo, string? tag)
    {
        if (string.IsNullOrEmpty(repo))
        {
            return (null, null);
        }
        if (string.IsNullOrEmpty(tag))
        {
            var colon = repo.LastIndexOf(':');
            if (colon > repo.LastIndexOf('/'))
            {
                return (repo[..colon], repo[(colon + 1)..]);
            }
            return (repo, null);
        }
        return (repo, tag);
    }

    private static async Task WriteProgressAsync(ApiContext c, ProgressLine line)
    {
        c.Http.Response.StatusCode = 200;
        c.Http.Response.ContentType = "application/json";
        await c.WriteProgressLineAsync(line);
    }

    internal static ImageListItem ToListItem(Image i, ApiVersion? version)
    {
        var untagged = i.RepoTags.Count == 0 && i.RepoDigests.Count == 0;
        return new ImageListItem
        {
            Id = DockerFormat.ImageId(i.Id, version),
            ParentId = DockerFormat.ImageId(i.Parent, version),
            RepoTags = untagged ? ["<none>:<none>"] : [.. i.RepoTags],
            RepoDigests = untagged ? ["<none>@<none>"] : [.. i.RepoDigests],
            Created = DockerFormat.UnixSeconds(i.Created),
            Size = i.Size,
            VirtualSize = i.VirtualSize,
            Labels = i.Labels,
        };
    }

    internal static ImageInspectResponse ToInspect(Image i, ApiVersion? version) => new()
    {
        Id = DockerFormat.ImageId(i.Id, version),
        RepoTags = [.. i.RepoTags],
        RepoDigests = [.. i.RepoDigests],
        Parent = DockerFormat.ImageId(i.Parent, version),
        Comment = i.Comment,
        Created = DockerFormat.Rfc3339Nano(i.Created),
        Container = i.Container,
        ContainerConfig = i.ContainerConfig,
        DockerVersion = i.DockerVersion,
        Author = i.Author,
        Config = i.Config,
        Architecture = i.Architecture,
        Os = i.Os,
        Size = i.Size,
        VirtualSize = i.VirtualSize,
        RootFS = new RootFsJson { Layers = [.. i.DiffIds] },
    };
}
