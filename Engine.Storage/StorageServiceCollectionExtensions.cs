using Engine.Storage.Drivers;
using Engine.Storage.ImageArchives;
using Engine.Storage.Images;
using Engine.Storage.Layers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Engine.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the graph driver (overlay when the host can mount it, else vfs, unless
    /// <see cref="StorageOptions.Driver"/> names one), the layer store, the image store and image archives (save/load), as replaceable
    /// singletons. Configure <see cref="StorageOptions"/> with the Options pattern.
    /// </summary>
    public static IServiceCollection AddEngineStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>();
        services.TryAddSingleton<IGraphDriver>(sp => GraphDrivers.Open(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddSingleton<LayerStore>();
        services.TryAddSingleton<ILayerStore>(sp => sp.GetRequiredService<LayerStore>());
        services.TryAddSingleton<ImageStore>();
        services.TryAddSingleton<IImageStore>(sp => sp.GetRequiredService<ImageStore>());
        services.TryAddSingleton<IImageArchive, ImageArchive>();
        services.TryAddSingleton<Registry.IImageRegistry, Registry.ImageRegistry>();
        return services;
    }
}
