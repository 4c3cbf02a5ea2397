using System.Text;

namespace Gatekeeper.Torch.Tokenization.ChatTemplates;

/// <summary>Llama 3 Instruct: the BOS, then per message a header with the role and the trimmed content closed by <c>&lt;|eot_id|&gt;</c>.</summary>
public sealed class Llama3Template : IChatTemplate
{
    public string Name => "Llama 3";

    public string EndOfTurn(string eosToken) => "<|eot_id|>";

    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, string bosToken, string eosToken)
    {
        var text = new StringBuilder();
        for (int i = 0; i < messages.Count; i++)
        {
            if (i == 0) text.Append(bosToken);
            text.Append("<|start_header_id|>").Append(messages[i].Role).Append("<|end_header_id|>\n\n").Append(JinjaText.Trim(messages[i].Content)).Append("<|eot_id|>");
        }
        if (addGenerationPrompt) text.Append("<|start_header_id|>assistant<|end_header_id|>\n\n");
        return text.ToString();
    }
}
