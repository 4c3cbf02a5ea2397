using System.Security.Cryptography;

namespace Gatekeeper.Torch.Checkpoints;

/// <summary>SHA-256 of files and bytes, in lower-case hex: the content identity of checkpoints and data.</summary>
public static class FileHash
{
    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
