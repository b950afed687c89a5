namespace Engine.Core.Images;

/// <summary>
/// One step of an image's history, newest first in <see cref="IImageService.GetHistory"/>. Id is the image
/// that step made when the engine knows it ("sha256:hex"), otherwise "&lt;missing&gt;" as Docker shows it.
/// </summary>
public sealed record ImageHistoryEntry(string Id, DateTimeOffset Created, string CreatedBy, IReadOnlyList<string> Tags, long Size, string Comment)
{
    public const string Missing = "<missing>";
}
