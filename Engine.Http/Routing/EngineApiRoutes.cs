using Engine.Http.Handlers;

namespace Engine.Http.Routing;

/// <summary>
/// Every route served through Kestrel's HTTP pipeline, unversioned and under /v{x.y}. The hijacked
/// ones (attach, exec start) are in <see cref="Hijack.HijackRoutes"/> and never reach Kestrel.
/// </summary>
internal sealed class EngineApiRoutes
{
    public RouteTable<ApiHandler> Table { get; } = new RouteTable<ApiHandler>()
        // Misc
        .Add("GET", "/_ping", SystemHandlers.PingAsync)
        .Add("HEAD", "/_ping", SystemHandlers.PingAsync)
        .Add("GET", "/version", SystemHandlers.VersionAsync)
        .Add("GET", "/info", SystemHandlers.InfoAsync)
        .Add("GET", "/events", SystemHandlers.EventsAsync)
        // Containers
        .Add("POST", "/containers/create", ContainerHandlers.CreateAsync)
        .Add("GET", "/containers/json", ContainerHandlers.ListAsync)
        .Add("GET", "/containers/{id}/json", ContainerHandlers.InspectAsync)
        .Add("POST", "/containers/{id}/start", ContainerHandlers.StartAsync)
        .Add("POST", "/containers/{id}/wait", ContainerHandlers.WaitAsync)
        .Add("POST", "/containers/{id}/stop", ContainerHandlers.StopAsync)
        .Add("POST", "/containers/{id}/kill", ContainerHandlers.KillAsync)
        .Add("POST", "/containers/{id}/restart", ContainerHandlers.RestartAsync)
        .Add("POST", "/containers/{id}/rename", ContainerHandlers.RenameAsync)
        .Add("POST", "/containers/{id}/resize", ContainerHandlers.ResizeAsync)
        .Add("DELETE", "/containers/{id}", ContainerHandlers.RemoveAsync)
        .Add("GET", "/containers/{id}/logs", ContainerHandlers.LogsAsync)
        .Add("GET", "/containers/{id}/attach/ws", ContainerHandlers.AttachWebSocketAsync)
        .Add("POST", "/containers/{id}/pause", ContainerHandlers.PauseAsync)
        .Add("POST", "/containers/{id}/unpause", ContainerHandlers.UnpauseAsync)
        .Add("GET", "/containers/{id}/top", ContainerHandlers.TopAsync)
        .Add("GET", "/containers/{id}/stats", ContainerHandlers.StatsAsync)
        .Add("GET", "/containers/{id}/changes", ContainerHandlers.ChangesAsync)
        .Add("GET", "/containers/{id}/export", ContainerHandlers.ExportAsync)
        .Add("POST", "/containers/{id}/copy", ContainerHandlers.CopyAsync)
        .Add("HEAD", "/containers/{id}/archive", ContainerHandlers.StatPathAsync)
        .Add("GET", "/containers/{id}/archive", ContainerHandlers.GetArchiveAsync)
        .Add("PUT", "/containers/{id}/archive", ContainerHandlers.PutArchiveAsync)
        // Exec (start is hijacked)
        .Add("POST", "/containers/{id}/exec", ExecHandlers.CreateAsync)
        .Add("POST", "/exec/{id}/resize", ExecHandlers.ResizeAsync)
        .Add("GET", "/exec/{id}/json", ExecHandlers.InspectAsync)
        // Images
        .Add("GET", "/images/json", ImageHandlers.ListAsync)
        .Add("POST", "/images/create", ImageHandlers.CreateAsync)
        .Add("GET", "/images/{name*}/json", ImageHandlers.InspectAsync)
        .Add("GET", "/images/{name*}/history", ImageHandlers.HistoryAsync)
        .Add("POST", "/images/{name*}/tag", ImageHandlers.TagAsync)
        .Add("DELETE", "/images/{name*}", ImageHandlers.DeleteAsync)
        .Add("GET", "/images/get", ImageHandlers.SaveManyAsync)
        .Add("GET", "/images/{name*}/get", ImageHandlers.SaveAsync)
        .Add("POST", "/images/load", ImageHandlers.LoadAsync)
        .Add("GET", "/images/search", ImageHandlers.SearchAsync)
        .Add("POST", "/images/{name*}/push", ImageHandlers.PushAsync)
        .Add("POST", "/auth", ImageHandlers.AuthAsync)
        .Add("POST", "/commit", ImageHandlers.CommitAsync)
        // Build
        .Add("POST", "/build", BuildHandlers.BuildAsync);
}
