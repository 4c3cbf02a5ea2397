using System.Text.Json.Nodes;
using Gatekeeper.Torch.Tokenization.ChatTemplates;

namespace Gatekeeper.Torch.Tests.Tokenization;

/// <summary>Each supported chat template against @huggingface/jinja's rendering of the same template text (Reference/reference_chat_templates.mjs).</summary>
public sealed class ChatTemplateTests
{
    private static readonly JsonNode Golden = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "ChatTemplates", "golden.json")))!;

    public static TheoryData<string> Templates => [.. Golden["templates"]!.AsObject().Select(t => t.Key)];

    [Theory]
    [MemberData(nameof(Templates))]
    public void Render_MatchesJinja_OnEveryConversation(string name)
    {
        var spec = Golden["templates"]![name]!;
        var template = ChatTemplateLibrary.Recognize((string)spec["chat_template"]!);
        string bos = (string?)spec["bos_token"] ?? "", eos = (string)spec["eos_token"]!;
        var cases = Golden["cases"]!.AsArray().Where(c => (string)c!["template"]! == name).ToList();
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            var messages = c!["messages"]!.AsArray().Select(m => new ChatMessage((string)m!["role"]!, (string)m["content"]!)).ToList();
            Assert.Equal((string)c["rendered"]!, template.Render(messages, (bool)c["add_generation_prompt"]!, bos, eos));
        }
    }

    [Fact]
    public void Recognize_ChatMlWithADefaultSystemPrompt_UsesTheTemplatesOwnPrompt()
    {
        var text = (string)Golden["templates"]!["qwen2"]!["chat_template"]!;
        var template = ChatTemplateLibrary.Recognize(text.Replace("You are a helpful assistant.", "You are Gate, a careful reviewer.", StringComparison.Ordinal));
        Assert.StartsWith("<|im_start|>system\nYou are Gate, a careful reviewer.<|im_end|>\n", template.Render([new ChatMessage("user", "hi")], true, "", "<|im_end|>"));
    }

    [Fact]
    public void Recognize_AnUnknownTemplate_NamesTheSupportedOnes()
    {
        var error = Assert.Throws<FormatException>(() => ChatTemplateLibrary.Recognize("{% for m in messages %}{{ m.content }}{% endfor %}"));
        Assert.Contains("ChatML (Qwen2, SmolLM, SmolLM2), Llama 3, Llama 2, Zephyr (TinyLlama)", error.Message);
    }

    [Fact]
    public void Llama2_RolesThatDoNotAlternate_AreRefusedAsTheTemplateRefusesThem()
    {
        var template = ChatTemplateLibrary.Recognize((string)Golden["templates"]!["llama2"]!["chat_template"]!);
        var error = Assert.Throws<ArgumentException>(() => template.Render([new ChatMessage("user", "a"), new ChatMessage("user", "b")], true, "<s>", "</s>"));
        Assert.Contains("must alternate", error.Message);
    }
}
