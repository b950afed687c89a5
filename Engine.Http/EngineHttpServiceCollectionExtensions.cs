using Engine.Http.Hijack;
using Engine.Http.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Engine.Http;

public static class EngineHttpServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Remote API's HTTP module. The engine itself (IContainerEngine) comes from
    /// AddContainerEngine; serve with <see cref="EngineApiApplicationBuilderExtensions.UseEngineApi"/>
    /// and add <see cref="EngineHijackListenOptionsExtensions.UseEngineHijack"/> to every listener.
    /// </summary>
    public static IServiceCollection AddEngineHttp(this IServiceCollection services, Action<EngineHttpOptions>? configure = null)
    {
        var options = services.AddOptions<EngineHttpOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddSingleton<EngineApiRoutes>();
        services.TryAddSingleton<HijackRoutes>();
        return services;
    }
}
