using System.Text.Json;
using Engine.Core.Events;
using Engine.Http.Json;
using Engine.Http.Routing;
using Microsoft.AspNetCore.Http;

namespace Engine.Http.Handlers;

/// <summary>/_ping, /version, /info, /events.</summary>
internal static class SystemHandlers
{
    public static async Task PingAsync(ApiContext context)
    {
        var response = context.Http.Response;
        response.StatusCode = 200;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-store, must-revalidate";
        response.Headers.Pragma = "no-cache";
        if (HttpMethods.IsHead(context.Http.Request.Method))
        {
            response.ContentLength = 0;
            return;
        }
        response.ContentLength = 2;
        await response.Body.WriteAsync("OK"u8.ToArray(), context.Aborted);
    }

    public static Task VersionAsync(ApiContext context)
    {
        var v = context.Engine.System.Version();
        var body = new VersionResponse
        {
            Version = v.Version,
            ApiVersion = v.ApiVersion,
            MinAPIVersion = v.ApiVersion,
            GitCommit = v.GitCommit,
            GoVersion = v.GoVersion,
            Os = v.Os,
            Arch = v.Arch,
            KernelVersion = v.KernelVersion,
            BuildTime = v.BuildTime == default ? "" : DockerFormat.Rfc3339Nano(v.BuildTime),
        };
        return context.WriteJsonAsync(body, EngineJsonContext.Default.VersionResponse);
    }

    public static async Task InfoAsync(ApiContext context)
    {
        var info = await context.Engine.System.InfoAsync(context.Aborted);
        await context.WriteJsonAsync(info, EngineJsonContext.Default.EngineInfo);
    }

    /// <summary>One JSON object per line, flushed per event, carrying both the v1.19 and the later shape.</summary>
    public static async Task EventsAsync(ApiContext context)
    {
        var query = new EventQuery
        {
            Since = QueryParsing.Timestamp(context.Query("since"), "since"),
            Until = QueryParsing.Timestamp(context.Query("until"), "until"),
            Filters = QueryParsing.Filters(context.Query("filters")),
        };
        var events = context.Engine.Events.SubscribeAsync(query, context.Aborted);
        var response = context.Http.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        await response.StartAsync(context.Aborted);
        await response.Body.FlushAsync(context.Aborted);
        await foreach (var e in events)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(ToMessage(e, context.Version), EngineJsonContext.Default.EventMessage);
            await response.Body.WriteAsync(bytes, context.Aborted);
            await response.Body.WriteAsync("\n"u8.ToArray(), context.Aborted);
            await response.Body.FlushAsync(context.Aborted);
        }
    }

    internal static EventMessage ToMessage(EngineEvent e, ApiVersion? version)
    {
        var isContainer = e.Type == "container";
        return new EventMessage
        {
            Status = e.Action,
            Id = isContainer ? e.ActorId : (e.ActorId.StartsWith("sha256:", StringComparison.Ordinal) ? DockerFormat.ImageId(e.ActorId, version) : e.ActorId),
            From = string.IsNullOrEmpty(e.From) ? null : e.From,
            Type = e.Type,
            Action = e.Action,
            Actor = new EventActor { ID = e.ActorId, Attributes = e.Attributes },
            Time = DockerFormat.UnixSeconds(e.Time),
            TimeNano = DockerFormat.UnixNanos(e.Time),
        };
    }
}
