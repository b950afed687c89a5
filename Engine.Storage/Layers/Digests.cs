using System.Security.Cryptography;
using System.Text;

namespace Engine.Storage.Layers;

/// <summary>sha256 digests, chainIDs (OCI image spec) and id checks.</summary>
public static class Digests
{
    public const string Sha256Prefix = "sha256:";

    public static string Sha256(ReadOnlySpan<byte> data) => Sha256Prefix + Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>ChainID(L0..Ln) = sha256(ChainID(L0..Ln-1) + " " + DiffID(Ln)); ChainID(L0) = DiffID(L0).</summary>
    public static string ChainId(string? parentChainId, string diffId) =>
        parentChainId is null ? diffId : Sha256(Encoding.ASCII.GetBytes(parentChainId + " " + diffId));

    /// <summary>The chainIDs of a stack of layers, bottom first.</summary>
    public static IReadOnlyList<string> ChainIds(IEnumerable<string> diffIds)
    {
        var result = new List<string>();
        string? chain = null;
        foreach (var diffId in diffIds)
        {
            chain = ChainId(chain, diffId);
            result.Add(chain);
        }
        return result;
    }

    /// <summary>True for "sha256:" followed by 64 lowercase hex digits.</summary>
    public static bool IsSha256(string digest) =>
        digest.Length == 71 && digest.StartsWith(Sha256Prefix, StringComparison.Ordinal) && IsHex(digest.AsSpan(7));

    public static bool IsHex(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The hex part of "sha256:hex".</summary>
    public static string Hex(string digest) => digest.StartsWith(Sha256Prefix, StringComparison.Ordinal) ? digest[7..] : digest;
}
