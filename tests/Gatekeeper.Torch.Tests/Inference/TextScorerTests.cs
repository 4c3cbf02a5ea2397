using Gatekeeper.Torch.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Gatekeeper.Torch.Tests.Inference;

public class TextScorerTests
{
    /// <summary>Σ log p(token | everything before it in its window), one forward pass per token: a slow, independent sum.</summary>
    private static double OneTokenAtATime(Gatekeeper.Torch.Modeling.CausalLanguageModel model, int[] tokens, int window)
    {
        double sum = 0;
        using var noGrad = torch.no_grad();
        for (int i = 0; i < tokens.Length; i++)
        {
            int start = i / window * window;
            var context = new List<long> { start == 0 ? TinyModels.Tokenizer.EndOfTurn : tokens[start - 1] };
            context.AddRange(tokens[start..i].Select(t => (long)t));
            using var logits = model.call(torch.tensor(context.ToArray(), [1, context.Count]));
            using var last = nn.functional.log_softmax(logits[0, -1].to(ScalarType.Float64), 0);
            sum += last[tokens[i]].ToDouble();
        }
        return sum;
    }

    [Theory]
    [InlineData("The farmer walked to the market.")]
    [InlineData("A passage longer than the tiny model's context of forty-eight tokens, so that it is scored in windows.")]
    public void LogLikelihood_IsTheSumOfEveryTokensLogProbability_WindowByWindow(string text)
    {
        using var model = TinyModels.Create(seed: 9);
        model.eval();
        var (logLikelihood, tokens) = new TextScorer(model, TinyModels.Tokenizer).LogLikelihood(text);
        var ids = TinyModels.Tokenizer.Encode(text);
        Assert.Equal(ids.Length, tokens);
        Assert.Equal(OneTokenAtATime(model, ids, TinyModels.Config().ContextLength), logLikelihood, 3);
    }
}
