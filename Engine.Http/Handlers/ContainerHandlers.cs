using System.Globalization;
using System.Text;
using Engine.Core.Containers;
using Engine.Http.Errors;
using Engine.Http.Json;
using Engine.Http.Routing;
using Engine.Http.Streams;

namespace Engine.Http.Handlers;

/// <summary>The /containers family served through Kestrel (attach is hijacked: see Hijack/).</summary>
internal static partial class ContainerHandlers
{
    public static async Task CreateAsync(ApiContext c)
    {
        var (config, hostConfig) = RequestBodies.ReadCreate(await c.ReadBodyAsync());
        var name = c.Query("name");
        var result = await c.Engine.Containers.CreateAsync(new CreateContainerRequest
        {
            Name = string.IsNullOrEmpty(name) ? null : name,
            Config = config,
            HostConfig = hostConfig,
        }, c.Aborted);
        await c.WriteJsonAsync(new ContainerCreateResponse { Id = result.Id, Warnings = [.. result.Warnings] }, EngineJsonContext.Default.ContainerCreateResponse, 201);
    }

    public static async Task ListAsync(ApiContext c)
    {
        var options = new ListContainersOptions
        {
            All = c.QueryBool("all"),
            Limit = QueryParsing.Int(c.Query("limit")) ?? -1,
            Since = NullIfEmpty(c.Query("since")),
            Before = NullIfEmpty(c.Query("before")),
            Size = c.QueryBool("size"),
            Filters = QueryParsing.Filters(c.Query("filters")),
        };
        var containers = await c.Engine.Containers.ListAsync(options, c.Aborted);
        var items = containers.Select(s => ToListItem(s, options.Size, c.Version)).ToList();
        await c.WriteJsonAsync(items, EngineJsonContext.Default.ListContainerListItem);
    }

    public static async Task InspectAsync(ApiContext c)
    {
        var details = await c.Engine.Containers.InspectAsync(c.Route("id"), c.Aborted);
        await c.WriteJsonAsync(ToInspect(details, c.Version), EngineJsonContext.Default.ContainerInspectResponse);
    }

    public static async Task StartAsync(ApiContext c)
    {
        var hostConfig = RequestBodies.ReadStartHostConfig(await c.ReadBodyAsync());
        await c.Engine.Containers.StartAsync(c.Route("id"), hostConfig, c.Aborted);
        c.Status(204);
    }

    public static async Task WaitAsync(ApiContext c)
    {
        var code = await c.Engine.Containers.WaitAsync(c.Route("id"), c.Aborted);
        await c.WriteJsonAsync(new ContainerWaitResponse { StatusCode = code }, EngineJsonContext.Default.ContainerWaitResponse);
    }

    public static async Task StopAsync(ApiContext c)
    {
        await c.Engine.Containers.StopAsync(c.Route("id"), Seconds(c, "t"), c.Aborted);
        c.Status(204);
    }

    public static async Task KillAsync(ApiContext c)
    {
        await c.Engine.Containers.KillAsync(c.Route("id"), NullIfEmpty(c.Query("signal")), c.Aborted);
        c.Status(204);
    }

    public static async Task RestartAsync(ApiContext c)
    {
        await c.Engine.Containers.RestartAsync(c.Route("id"), Seconds(c, "t"), c.Aborted);
        c.Status(204);
    }

    public static async Task RenameAsync(ApiContext c)
    {
        var name = c.Query("name");
        if (string.IsNullOrEmpty(name))
        {
            throw new BadHttpInputException("name is required");
        }
        await c.Engine.Containers.RenameAsync(c.Route("id"), name, c.Aborted);
        c.Status(204);
    }

    public static async Task ResizeAsync(ApiContext c)
    {
        if (!ushort.TryParse(c.Query("h"), NumberStyles.None, CultureInfo.InvariantCulture, out var height)
            || !ushort.TryParse(c.Query("w"), NumberStyles.None, CultureInfo.InvariantCulture, out var width))
        {
            throw new BadHttpInputException("h and w must be numbers");
        }
        await c.Engine.Containers.ResizeAsync(c.Route("id"), height, width, c.Aborted);
        c.Status(200);
    }

    public static async Task RemoveAsync(ApiContext c)
    {
        await c.Engine.Containers.RemoveAsync(c.Route("id"), c.QueryBool("force"), c.QueryBool("v"), c.Aborted);
        c.Status(204);
    }

    /// <summary>Streams the log: multiplexed unless the container has a TTY, flushed per entry.</summary>
    public static async Task LogsAsync(ApiContext c)
    {
        var options = new LogsOptions
        {
            Stdout = c.QueryBool("stdout"),
            Stderr = c.QueryBool("stderr"),
            Follow = c.QueryBool("follow"),
            Timestamps = c.QueryBool("timestamps"),
            Tail = QueryParsing.Tail(c.Query("tail")),
            Since = QueryParsing.Timestamp(c.Query("since"), "since") is { } since && since > DateTimeOffset.UnixEpoch ? since : null,
        };
        if (!options.Stdout && !options.Stderr)
        {
            throw new BadHttpInputException("Bad parameters: you must choose at least one stream");
        }
        var id = c.Route("id");
        var details = await c.Engine.Containers.InspectAsync(id, c.Aborted);
        var raw = details.Config.Tty;
        var entries = c.Engine.Containers.LogsAsync(id, options, c.Aborted);
        var response = c.Http.Response;
        response.StatusCode = 200;
        response.ContentType = "application/vnd.docker.raw-stream";
        await response.StartAsync(c.Aborted);
        var writer = response.BodyWriter;
        await foreach (var entry in entries)
        {
            if (options.Timestamps)
            {
                var prefix = Encoding.ASCII.GetBytes(DockerFormat.Rfc3339NanoFixed(entry.Time) + " ");
                StreamFrameWriter.Write(writer, entry.Stream, prefix, entry.Data.Span, raw);
            }
            else
            {
                StreamFrameWriter.Write(writer, entry.Stream, entry.Data.Span, raw);
            }
            var flush = await writer.FlushAsync(c.Aborted);
            if (flush.IsCompleted || flush.IsCanceled)
            {
                break;
            }
        }
    }

    private static TimeSpan? Seconds(ApiContext c, string name)
        => QueryParsing.Int(c.Query(name)) is { } n ? TimeSpan.FromSeconds(Math.Max(0, n)) : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
