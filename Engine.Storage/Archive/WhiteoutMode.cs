namespace Engine.Storage.Archive;

/// <summary>What aufs-style whiteouts (<c>.wh.NAME</c>, <c>.wh..wh..opq</c>) in a layer tar become on disk.</summary>
public enum WhiteoutMode
{
    /// <summary>The layer is applied over a copy of its parent (vfs): whiteouts delete, opaque markers empty the directory.</summary>
    Delete,
    /// <summary>The layer is applied alone (overlay upper dir): a 0/0 character device, and trusted.overlay.opaque=y.</summary>
    Overlay,
    /// <summary>Not a layer (an image archive being unpacked): <c>.wh.</c> names are ordinary files.</summary>
    None,
}
