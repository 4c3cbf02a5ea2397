using System.Text;

namespace Gatekeeper.Torch.Tokenization.ChatTemplates;

/// <summary>
/// ChatML, as Qwen2 and SmolLM ship it: <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c> per
/// message, with the template's default system prompt first when the conversation has none.
/// </summary>
public sealed class ChatMlTemplate(string? defaultSystem) : IChatTemplate
{
    public string Name => "ChatML";

    public string EndOfTurn(string eosToken) => "<|im_end|>";

    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, string bosToken, string eosToken)
    {
        var text = new StringBuilder();
        if (defaultSystem is not null && messages.Count > 0 && messages[0].Role != "system")
            text.Append("<|im_start|>system\n").Append(defaultSystem).Append("<|im_end|>\n");
        foreach (var message in messages) text.Append("<|im_start|>").Append(message.Role).Append('\n').Append(message.Content).Append("<|im_end|>\n");
        if (addGenerationPrompt) text.Append("<|im_start|>assistant\n");
        return text.ToString();
    }
}
