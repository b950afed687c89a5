using Engine.Storage.Errors;

namespace Engine.Storage.Drivers;

/// <summary>Picks and opens the graph driver named by <see cref="StorageOptions.Driver"/>.</summary>
public static class GraphDrivers
{
    public static IGraphDriver Open(StorageOptions options)
    {
        var root = Path.GetFullPath(options.DataRoot);
        Directory.CreateDirectory(root);
        var name = options.Driver;
        if (string.IsNullOrEmpty(name))
        {
            return OverlayDriver.IsSupported(root) ? new OverlayDriver(Path.Combine(root, "overlay")) : new VfsDriver(Path.Combine(root, "vfs"));
        }
        return name switch
        {
            "overlay" or "overlay2" => OverlayDriver.IsSupported(root)
                ? new OverlayDriver(Path.Combine(root, "overlay"))
                : throw new EngineException(ErrorKind.Internal, $"error initializing graphdriver: driver not supported: overlay (mounting overlay under {root} failed)"),
            "vfs" => new VfsDriver(Path.Combine(root, "vfs")),
            _ => throw EngineException.Invalid($"error initializing graphdriver: unknown driver \"{name}\""),
        };
    }
}
