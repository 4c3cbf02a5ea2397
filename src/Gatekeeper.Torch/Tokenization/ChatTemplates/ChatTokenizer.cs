using Gatekeeper.Torch.Tokenization.HuggingFace;

namespace Gatekeeper.Torch.Tokenization.ChatTemplates;

/// <summary>
/// A tokenizer whose prompts are user turns of the checkpoint's chat template, opened for the
/// assistant, and whose answers are the assistant's reply as the template closes it. The rendered
/// text carries its own special tokens (a BOS where the template writes one), so it is encoded
/// without the post-processor's, as transformers' <c>apply_chat_template</c> does.
/// </summary>
public sealed class ChatTokenizer : ITokenizer
{
    private readonly HuggingFaceTokenizer _inner;
    private readonly IChatTemplate _template;
    private readonly string _bos;
    private readonly string _eos;
    private readonly int? _endOfTurn;

    public ChatTokenizer(HuggingFaceTokenizer inner, IChatTemplate template)
    {
        _inner = inner;
        _template = template;
        _bos = inner.Specials.BosToken ?? "";
        _eos = inner.Specials.EosToken ?? "";
        _endOfTurn = inner.TokenId(template.EndOfTurn(_eos));
    }

    public string TemplateName => _template.Name;
    public int VocabSize => _inner.VocabSize;
    public int EndOfTurn => _endOfTurn ?? _inner.EndOfTurn;
    public int Padding => _inner.Padding;
    public IReadOnlyDictionary<string, byte[]> Files => _inner.Files;

    public bool Stops(int id) => id == EndOfTurn || _inner.Stops(id);

    public int[] Encode(string text) => _inner.Encode(text);

    public string Decode(IEnumerable<int> ids) => _inner.Decode(ids);

    public int[] EncodePrompt(string prompt) => _inner.Encode(RenderPrompt(prompt));

    /// <summary>The reply as the template writes it after the prompt: the answer and the turn's closing text.</summary>
    public int[] EncodeAnswer(string answer)
    {
        // Rendered with one placeholder prompt both ways, the whole conversation minus the opened prompt is the reply.
        const string prompt = "\u0001";
        var opened = RenderPrompt(prompt);
        var whole = _template.Render([new ChatMessage("user", prompt), new ChatMessage("assistant", answer)], false, _bos, _eos);
        var reply = whole.StartsWith(opened, StringComparison.Ordinal) ? whole[opened.Length..] : answer;
        var ids = _inner.Encode(reply);
        return ids.Any(Stops) ? ids : [.. ids, EndOfTurn];
    }

    private string RenderPrompt(string prompt) => _template.Render([new ChatMessage("user", prompt)], true, _bos, _eos);
}
