namespace Gatekeeper.Specs;

/// <summary>How a prompt and its answer are written for the model.</summary>
public enum PromptFormat
{
    /// <summary>The prompt as text (after the tokenizer's own special tokens, such as a BOS), the answer after it.</summary>
    Plain,

    /// <summary>A user turn of the checkpoint's chat template (tokenizer_config.json's chat_template), the answer as the assistant's reply.</summary>
    Chat,
}
