using Gatekeeper.Specs;
using Gatekeeper.Torch.Tokenization;
using Gatekeeper.Torch.Tokenization.ChatTemplates;
using Gatekeeper.Torch.Tokenization.HuggingFace;

namespace Gatekeeper.Torch.Tests.Tokenization;

public sealed class ChatTokenizerTests
{
    private static string Folder(string format) => Path.Combine(AppContext.BaseDirectory, "Reference", "Tokenizers", format);

    [Theory]
    [InlineData("qwen2", "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n<|im_start|>assistant\n", "5<|im_end|>\n")]
    [InlineData("llama3", "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nWhat is 2 + 3?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", "5<|eot_id|>")]
    [InlineData("llama2", "<s>[INST] What is 2 + 3? [/INST]", " 5 </s>")]
    public void PromptAndAnswer_AreTheTemplatesUserTurnAndReply(string format, string prompt, string reply)
    {
        var plain = (HuggingFaceTokenizer)TokenizerFiles.Load(Folder(format));
        var chat = Assert.IsType<ChatTokenizer>(PromptFormats.Apply(plain, PromptFormat.Chat, Folder(format)));

        Assert.Equal(plain.Encode(prompt), chat.EncodePrompt("What is 2 + 3?"));
        Assert.Equal(plain.Encode(reply), chat.EncodeAnswer("5"));
        Assert.True(chat.Stops(chat.EncodeAnswer("5").First(chat.Stops)));
    }

    [Fact]
    public void Chat_ForATokenizerWithoutATemplate_IsRefusedNamingTheFix()
    {
        var error = Assert.Throws<InvalidDataException>(() => PromptFormats.Apply(TokenizerFiles.Load(Folder("gpt2")), PromptFormat.Chat, "ckpt"));
        Assert.Contains("ckpt: prompt_format chat, but tokenizer_config.json has no chat_template", error.Message);
    }
}
