namespace Engine.Init;

/// <summary>Who the process runs as, resolved from Docker's User string.</summary>
internal sealed record ExecUser(uint Uid, uint Gid, string Home, IReadOnlyList<uint> SupplementaryGids);
