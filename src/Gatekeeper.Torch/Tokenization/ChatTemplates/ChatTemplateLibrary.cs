using System.Text.RegularExpressions;

namespace Gatekeeper.Torch.Tokenization.ChatTemplates;

/// <summary>
/// The chat templates Gatekeeper renders, recognised by their text as models ship it in
/// <c>tokenizer_config.json</c>. Templates are Jinja programs; rather than run arbitrary Jinja,
/// the gate knows these exactly and refuses any other, so a prompt is never rendered almost right.
/// Each is checked against @huggingface/jinja's rendering of the same text.
/// </summary>
public static class ChatTemplateLibrary
{
    private const string ChatMlWithSystem = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\n" + SystemHole + "<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";
    private const string ChatMl = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";
    private const string Llama3 = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";
    private const string Llama2 = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}";
    private const string Zephyr = "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}";

    /// <summary>Where ChatML templates with a default system prompt (Qwen2, SmolLM2) hold it.</summary>
    private const string SystemHole = "\u0000SYSTEM\u0000";

    /// <summary>The names of the supported templates, for messages.</summary>
    public const string SupportedNames = "ChatML (Qwen2, SmolLM, SmolLM2), Llama 3, Llama 2, Zephyr (TinyLlama)";

    private static readonly Regex ChatMlSystem = new("^" + Regex.Escape(ChatMlWithSystem).Replace(Regex.Escape(SystemHole), "(?<system>[^'\\\\{}]*)", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);

    /// <summary>The template a checkpoint's <c>chat_template</c> text is; throws <see cref="FormatException"/> naming the supported ones.</summary>
    public static IChatTemplate Recognize(string template)
    {
        var text = template.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (text == ChatMl) return new ChatMlTemplate(null);
        if (ChatMlSystem.Match(text) is { Success: true } match) return new ChatMlTemplate(match.Groups["system"].Value);
        if (text == Llama3) return new Llama3Template();
        if (text == Llama2) return new Llama2Template();
        if (text == Zephyr) return new ZephyrTemplate();
        throw new FormatException($"its chat_template is not one Gatekeeper renders exactly; supported: {SupportedNames}. Use prompt_format: plain, or a checkpoint with one of these templates");
    }
}
