namespace Gatekeeper.Torch.Tokenization;

/// <summary>Turns text into token ids and back, and frames a prompt and its answer for the model.</summary>
public interface ITokenizer
{
    int VocabSize { get; }

    /// <summary>The id that ends an answer: what training teaches the model to write last.</summary>
    int EndOfTurn { get; }

    /// <summary>The id that fills unused row positions.</summary>
    int Padding { get; }

    /// <summary>True for an id generation stops at (the end of turn, and any other end-of-sequence id).</summary>
    bool Stops(int id);

    /// <summary>The ids of plain text, with no special tokens added.</summary>
    int[] Encode(string text);

    /// <summary>Decodes ids, dropping special tokens.</summary>
    string Decode(IEnumerable<int> ids);

    /// <summary>The ids the model reads before it writes an answer to <paramref name="prompt"/>.</summary>
    int[] EncodePrompt(string prompt);

    /// <summary>The ids of an answer, closed by <see cref="EndOfTurn"/>.</summary>
    int[] EncodeAnswer(string answer);

    /// <summary>The files that describe the tokenizer in a checkpoint folder, by name, as written there.</summary>
    IReadOnlyDictionary<string, byte[]> Files { get; }
}
