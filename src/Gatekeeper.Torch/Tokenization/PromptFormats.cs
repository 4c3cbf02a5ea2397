using Gatekeeper.Specs;
using Gatekeeper.Torch.Tokenization.ChatTemplates;
using Gatekeeper.Torch.Tokenization.HuggingFace;

namespace Gatekeeper.Torch.Tokenization;

/// <summary>The tokenizer a task or a training run uses: the checkpoint's own for plain prompts, framed by its chat template for chat.</summary>
public static class PromptFormats
{
    /// <summary>
    /// <paramref name="tokenizer"/> framed as <paramref name="format"/> asks; throws
    /// <see cref="InvalidDataException"/> when the checkpoint has no template Gatekeeper renders.
    /// </summary>
    public static ITokenizer Apply(ITokenizer tokenizer, PromptFormat format, string checkpoint)
    {
        if (format == PromptFormat.Plain) return tokenizer;
        switch (tokenizer)
        {
            case ByteTokenizer:
                return tokenizer;   // its prompt framing is its chat format
            case HuggingFaceTokenizer hf when hf.Specials.ChatTemplate is { } text:
                try
                {
                    return new ChatTokenizer(hf, ChatTemplateLibrary.Recognize(text));
                }
                catch (FormatException e)
                {
                    throw new InvalidDataException($"{checkpoint}: prompt_format chat: {e.Message}.", e);
                }
            default:
                throw new InvalidDataException($"{checkpoint}: prompt_format chat, but tokenizer_config.json has no chat_template. Use prompt_format: plain, or a checkpoint that ships a chat template.");
        }
    }
}
