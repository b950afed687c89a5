namespace Engine.Storage.Drivers;

/// <summary>Docker's change kinds: 0 modified, 1 added, 2 deleted.</summary>
public enum ChangeKind
{
    Modify = 0,
    Add = 1,
    Delete = 2,
}

/// <summary>One entry of GET /containers/(id)/changes: an absolute path inside the container and its kind.</summary>
public sealed record Change(string Path, ChangeKind Kind);
