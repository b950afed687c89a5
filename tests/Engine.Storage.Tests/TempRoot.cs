using Engine.Storage.Drivers;
using Engine.Storage.Images;
using Engine.Storage.Interop;
using Engine.Storage.Layers;
using Engine.TestKit;

namespace Engine.Storage.Tests;

/// <summary>A temporary data root with a driver and stores on it; unmounts and deletes everything on dispose.</summary>
public sealed class TempRoot : IDisposable
{
    private LayerStore? _layers;

    public TempRoot(string driver = "vfs")
    {
        Path = TestPaths.NewTempDir("engine-storage");
        DriverName = driver;
    }

    public string Path { get; }
    public string DriverName { get; }

    public IGraphDriver NewDriver() => DriverName switch
    {
        "overlay" => new OverlayDriver(System.IO.Path.Combine(Path, "overlay")),
        _ => new VfsDriver(System.IO.Path.Combine(Path, "vfs")),
    };

    /// <summary>Opens (or re-opens, disposing the previous one) the layer and image stores on this root.</summary>
    public (LayerStore Layers, ImageStore Images) Open()
    {
        _layers?.Dispose();
        _layers = new LayerStore(NewDriver(), Path);
        return (_layers, new ImageStore(_layers, Path));
    }

    public void Dispose()
    {
        _layers?.Dispose();
        foreach (var mp in Sys.MountPointsUnder(Path))
        {
            Sys.Unmount(mp, Sys.MNT_DETACH);
        }
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
