using Engine.Http.Routing;
using Microsoft.AspNetCore.Builder;

namespace Engine.Http;

public static class EngineApiApplicationBuilderExtensions
{
    /// <summary>
    /// Serves the Remote API: every route unversioned and under /v{major}.{minor}, Docker's headers
    /// on every answer, 404 "page not found" for anything else. Terminal: nothing after it runs.
    /// </summary>
    public static IApplicationBuilder UseEngineApi(this IApplicationBuilder app)
        => app.UseWebSockets().UseMiddleware<EngineApiMiddleware>();
}
