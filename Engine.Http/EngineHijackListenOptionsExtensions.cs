using Engine.Http.Hijack;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Engine.Http;

public static class EngineHijackListenOptionsExtensions
{
    /// <summary>
    /// Puts the hijack middleware in front of Kestrel's HTTP on this listener: it serves the
    /// hijacked routes (POST /containers/{id}/attach) itself, 101 UPGRADED with Upgrade: tcp and a
    /// raw 200 without, on any request of a keep-alive connection. Use with HTTP/1.1 only.
    /// Requires <see cref="EngineHttpServiceCollectionExtensions.AddEngineHttp"/>.
    /// </summary>
    public static ListenOptions UseEngineHijack(this ListenOptions listenOptions)
    {
        listenOptions.Protocols = HttpProtocols.Http1;
        var services = listenOptions.ApplicationServices;
        listenOptions.Use(next =>
        {
            var middleware = new HijackConnectionMiddleware(
                next,
                services.GetRequiredService<HijackRoutes>(),
                services.GetRequiredService<IOptions<EngineHttpOptions>>().Value,
                services,
                services.GetService<ILoggerFactory>()?.CreateLogger("Engine.Http.Hijack") ?? NullLogger.Instance);
            return middleware.OnConnectionAsync;
        });
        return listenOptions;
    }
}
