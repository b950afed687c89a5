namespace Engine.Storage;

/// <summary>Where and how images and layers are kept.</summary>
public sealed class StorageOptions
{
    /// <summary>The engine's data root; storage keeps its files below it. Default /var/lib/engine.</summary>
    public string DataRoot { get; set; } = "/var/lib/engine";

    /// <summary>Graph driver: "overlay", "vfs", or null to pick overlay when the host supports it.</summary>
    public string? Driver { get; set; }
}
