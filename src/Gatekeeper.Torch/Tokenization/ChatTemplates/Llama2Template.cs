using System.Text;

namespace Gatekeeper.Torch.Tokenization.ChatTemplates;

/// <summary>
/// Llama 2 Chat: <c>&lt;s&gt;[INST] user [/INST] assistant &lt;/s&gt;</c>, a system message folded into the
/// first user turn between <c>&lt;&lt;SYS&gt;&gt;</c> markers; roles must alternate. The template writes no
/// generation prompt: the reply follows <c>[/INST]</c> directly.
/// </summary>
public sealed class Llama2Template : IChatTemplate
{
    public string Name => "Llama 2";

    public string EndOfTurn(string eosToken) => eosToken;

    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, string bosToken, string eosToken)
    {
        string? system = messages.Count > 0 && messages[0].Role == "system" ? messages[0].Content : null;
        var turns = system is null ? messages : messages.Skip(1).ToList();
        var text = new StringBuilder();
        for (int i = 0; i < turns.Count; i++)
        {
            if ((turns[i].Role == "user") != (i % 2 == 0))
                throw new ArgumentException("Conversation roles must alternate user/assistant/user/assistant/...");
            var content = i == 0 && system is not null ? $"<<SYS>>\n{system}\n<</SYS>>\n\n{turns[i].Content}" : turns[i].Content;
            if (turns[i].Role == "user") text.Append(bosToken).Append("[INST] ").Append(JinjaText.Trim(content)).Append(" [/INST]");
            else if (turns[i].Role == "assistant") text.Append(' ').Append(JinjaText.Trim(content)).Append(' ').Append(eosToken);
        }
        return text.ToString();
    }
}
