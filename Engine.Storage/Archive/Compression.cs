namespace Engine.Storage.Archive;

/// <summary>How an archive is compressed, as told by its first bytes.</summary>
public enum Compression
{
    None,
    Gzip,
    Bzip2,
    Xz,
    Zstd,
}
