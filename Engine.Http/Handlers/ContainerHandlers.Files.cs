using System.Text.Json;
using Engine.Core.Containers;
using Engine.Http.Errors;
using Engine.Http.Json;
using Engine.Http.Routing;

namespace Engine.Http.Handlers;

/// <summary>The container file-system routes: changes, export, copy (1.19) and archive (1.20, used by docker cp).</summary>
internal static partial class ContainerHandlers
{
    private const string TarContentType = "application/x-tar";
    private const string PathStatHeaderName = "X-Docker-Container-Path-Stat";

    public static async Task ChangesAsync(ApiContext c)
    {
        var changes = await c.Engine.Containers.ChangesAsync(c.Route("id"), c.Aborted);
        var items = changes.Select(ch => new ContainerChangeItem { Path = ch.Path, Kind = (int)ch.Kind }).ToList();
        await c.WriteJsonAsync(items, EngineJsonContext.Default.ListContainerChangeItem);
    }

    public static async Task ExportAsync(ApiContext c)
    {
        await using var archive = await c.Engine.Containers.ExportAsync(c.Route("id"), c.Aborted);
        c.Http.Response.ContentType = TarContentType;
        await archive.WriteToAsync(c.Http.Response.Body, c.Aborted);
    }

    public static async Task CopyAsync(ApiContext c)
    {
        var body = await c.ReadBodyAsync();
        var request = body.Length == 0 ? null : JsonSerializer.Deserialize(body, EngineJsonContext.Default.CopyRequestBody);
        if (string.IsNullOrEmpty(request?.Resource))
        {
            throw new BadHttpInputException("Path cannot be empty");
        }
        await using var archive = await c.Engine.Containers.CopyAsync(c.Route("id"), request.Resource, c.Aborted);
        c.Http.Response.ContentType = TarContentType;
        await archive.WriteToAsync(c.Http.Response.Body, c.Aborted);
    }

    public static async Task StatPathAsync(ApiContext c)
    {
        var stat = await c.Engine.Containers.StatPathAsync(c.Route("id"), RequiredPath(c), c.Aborted);
        SetPathStat(c, stat);
        c.Status(200);
    }

    public static async Task GetArchiveAsync(ApiContext c)
    {
        await using var archive = await c.Engine.Containers.GetArchiveAsync(c.Route("id"), RequiredPath(c), c.Aborted);
        SetPathStat(c, archive.Stat!);
        c.Http.Response.ContentType = TarContentType;
        await archive.WriteToAsync(c.Http.Response.Body, c.Aborted);
    }

    public static async Task PutArchiveAsync(ApiContext c)
    {
        await c.Engine.Containers.ExtractToDirectoryAsync(c.Route("id"), RequiredPath(c), c.Http.Request.Body,
            c.QueryBool("noOverwriteDirNonDir"), c.Aborted);
        c.Status(200);
    }

    private static string RequiredPath(ApiContext c) =>
        c.Query("path") is { Length: > 0 } path ? path : throw new BadHttpInputException("not a valid path: path cannot be empty");

    private static void SetPathStat(ApiContext c, ContainerPathStat stat)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(PathStatHeader.From(stat), EngineJsonContext.Default.PathStatHeader);
        c.Http.Response.Headers[PathStatHeaderName] = Convert.ToBase64String(json);
    }
}
