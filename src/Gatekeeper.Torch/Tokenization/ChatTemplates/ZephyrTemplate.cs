using System.Text;

namespace Gatekeeper.Torch.Tokenization.ChatTemplates;

/// <summary>Zephyr, as TinyLlama Chat ships it: <c>&lt;|role|&gt;\ncontent&lt;/s&gt;\n</c> per message, <c>&lt;|assistant|&gt;\n</c> to reply.</summary>
public sealed class ZephyrTemplate : IChatTemplate
{
    public string Name => "Zephyr";

    public string EndOfTurn(string eosToken) => eosToken;

    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, string bosToken, string eosToken)
    {
        var text = new StringBuilder();
        foreach (var message in messages)
        {
            if (message.Role is "user" or "system" or "assistant")
                text.Append("<|").Append(message.Role).Append("|>\n").Append(message.Content).Append(eosToken).Append('\n');
        }
        if (addGenerationPrompt && messages.Count > 0) text.Append("<|assistant|>\n");
        return text.ToString();
    }
}
