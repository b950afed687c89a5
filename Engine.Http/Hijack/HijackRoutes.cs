using Engine.Http.Routing;

namespace Engine.Http.Hijack;

/// <summary>A handler of a hijacked route: it owns the connection's raw bytes until it returns.</summary>
internal delegate Task HijackHandler(HijackContext context);

/// <summary>
/// The routes the connection middleware serves itself, before Kestrel's HTTP sees them. Exec start
/// carries a JSON body, already read into <see cref="HijackContext.Body"/>.
/// </summary>
internal sealed class HijackRoutes
{
    public RouteTable<HijackHandler> Table { get; } = new RouteTable<HijackHandler>()
        .Add("POST", "/containers/{id}/attach", AttachHandler.HandleAsync)
        .Add("POST", "/exec/{id}/start", ExecStartHandler.HandleAsync);
}
