using Engine.Storage.Images;
using Engine.Storage.Layers;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the image and layer stores. Configure <see cref="StorageOptions"/> with the Options pattern.</summary>
    public static IServiceCollection AddEngineStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>();
        // Implementations are registered here by the storage work (TryAddSingleton<IImageStore, ...>).
        _ = typeof(IImageStore);
        _ = typeof(ILayerStore);
        return services;
    }
}
