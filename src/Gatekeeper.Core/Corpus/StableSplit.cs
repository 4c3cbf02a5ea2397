using System.Security.Cryptography;
using System.Text;

namespace Gatekeeper.Corpus;

/// <summary>
/// Decides splits from an item's identity alone, so the same item lands in the same split on every
/// machine and in every version of the generator that keeps its identity.
/// </summary>
public static class StableSplit
{
    /// <summary>A number in [0, 1) derived from the key by SHA-256.</summary>
    public static double Fraction(string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        ulong value = BitConverter.ToUInt64(hash[..8]);
        return (value >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>True for about <paramref name="fraction"/> of all keys.</summary>
    public static bool Take(string key, double fraction) => Fraction(key) < fraction;
}
