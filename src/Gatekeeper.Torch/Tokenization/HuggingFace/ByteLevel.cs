using System.Text;

namespace Gatekeeper.Torch.Tokenization.HuggingFace;

/// <summary>
/// GPT-2's byte-level alphabet (<c>bytes_to_unicode</c>): every byte is shown as a printable
/// character, so byte-level BPE works on text whose "characters" are bytes.
/// </summary>
public static class ByteLevel
{
    /// <summary>GPT-2's pre-tokenizing pattern, used when a ByteLevel pre-tokenizer has <c>use_regex</c>.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private static readonly char[] ByteToChar = BuildTable();
    private static readonly Dictionary<char, byte> CharToByte = ByteToChar.Select((c, b) => (c, (byte)b)).ToDictionary(p => p.c, p => p.Item2);

    /// <summary>The text's UTF-8 bytes, each as its alphabet character.</summary>
    public static string Encode(string text) => EncodeBytes(Encoding.UTF8.GetBytes(text));

    /// <summary>Bytes, each as its alphabet character.</summary>
    public static string EncodeBytes(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    /// <summary>The bytes a token's alphabet characters stand for; a token with any other character stands for its own UTF-8 bytes.</summary>
    public static byte[] Decode(string token)
    {
        var bytes = new byte[token.Length];
        for (int i = 0; i < token.Length; i++)
        {
            if (!CharToByte.TryGetValue(token[i], out bytes[i])) return Encoding.UTF8.GetBytes(token);
        }
        return bytes;
    }

    private static char[] BuildTable()
    {
        // Printable Latin-1 bytes stand for themselves; the rest are shifted past 255, in byte order.
        var table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }
}
