namespace Engine.Storage.Drivers;

/// <summary>Writes a layer's changes as a tar stream with aufs whiteouts.</summary>
internal static class LayerExport
{
    public static Stream FromOverlay(OverlayDriver driver, string id) => throw new NotSupportedException("diff: not yet");

    public static Stream FromChanges(string layerDir, IReadOnlyList<Change> changes) => throw new NotSupportedException("diff: not yet");
}
