namespace Gatekeeper.Torch.Tokenization;

/// <summary>Turns text into token ids and back, and frames a chat turn for the model.</summary>
public interface ITokenizer
{
    int VocabSize { get; }

    /// <summary>The id that ends an answer; generation stops on it.</summary>
    int EndOfTurn { get; }

    /// <summary>The id that fills unused row positions.</summary>
    int Padding { get; }

    int[] Encode(string text);

    /// <summary>Decodes ids, dropping special tokens.</summary>
    string Decode(IEnumerable<int> ids);

    /// <summary>The ids the model reads before it writes an answer to <paramref name="prompt"/>.</summary>
    int[] EncodePrompt(string prompt);

    /// <summary>The ids of an answer, closed by <see cref="EndOfTurn"/>.</summary>
    int[] EncodeAnswer(string answer);

    /// <summary>The tokenizer file's content, as written into a checkpoint folder.</summary>
    string ToJson();
}
