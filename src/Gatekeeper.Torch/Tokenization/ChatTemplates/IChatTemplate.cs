namespace Gatekeeper.Torch.Tokenization.ChatTemplates;

/// <summary>A chat template a checkpoint ships, rendered exactly as its Jinja text renders under transformers.</summary>
public interface IChatTemplate
{
    /// <summary>The family's name, for messages: "ChatML", "Llama 3", ...</summary>
    string Name { get; }

    /// <summary>The text that closes an assistant turn, where generation stops.</summary>
    string EndOfTurn(string eosToken);

    /// <summary>The conversation as the template writes it; with <paramref name="addGenerationPrompt"/>, opened for the assistant's reply.</summary>
    string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, string bosToken, string eosToken);
}
