using Gatekeeper.Torch.Tokenization;

namespace Gatekeeper.Torch.Tests.Tokenization;

public class ByteTokenizerTests
{
    private readonly ByteTokenizer _tokenizer = new();

    [Theory]
    [InlineData("What is 37 + 45?")]
    [InlineData("Ünïcödé — “quotes” and emoji 🙂")]
    [InlineData("")]
    public void EncodeThenDecode_ReturnsTheText(string text) => Assert.Equal(text, _tokenizer.Decode(_tokenizer.Encode(text)));

    [Fact]
    public void Prompt_IsFramedByUserAndAssistantTokens()
    {
        var ids = _tokenizer.EncodePrompt("Hi");
        Assert.Equal(new[] { ByteTokenizer.User, 'H', 'i', ByteTokenizer.Assistant }, ids);
        Assert.Equal(new[] { 'O', 'k', ByteTokenizer.End }, _tokenizer.EncodeAnswer("Ok"));
    }

    [Fact]
    public void Decode_DropsSpecialTokens() =>
        Assert.Equal("Ok", _tokenizer.Decode([ByteTokenizer.User, 'O', ByteTokenizer.Pad, 'k', ByteTokenizer.End]));
}
