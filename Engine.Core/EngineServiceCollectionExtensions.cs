using Engine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Core;

/// <summary>Builder returned by AddContainerEngine, exposing the service collection for further registrations.</summary>
public sealed class ContainerEngineBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;
}

public static class EngineServiceCollectionExtensions
{
    /// <summary>Registers the whole engine (storage, runtime, containers, images, events, system).</summary>
    public static ContainerEngineBuilder AddContainerEngine(this IServiceCollection services, Action<EngineOptions>? configure = null)
    {
        var options = services.AddOptions<EngineOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        options.Validate(o => Path.IsPathRooted(o.DataRoot) && Path.IsPathRooted(o.ExecRoot), "DataRoot and ExecRoot must be absolute paths.").ValidateOnStart();
        services.AddEngineStorage();
        services.AddOptions<StorageOptions>().Configure<Microsoft.Extensions.Options.IOptions<EngineOptions>>((s, e) =>
        {
            s.DataRoot = e.Value.DataRoot;
            s.Driver = e.Value.StorageDriver;
        });
        return new ContainerEngineBuilder(services);
    }
}
