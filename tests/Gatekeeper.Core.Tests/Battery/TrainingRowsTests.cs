using Gatekeeper.Battery;
using Gatekeeper.Specs;

namespace Gatekeeper.Core.Tests.Battery;

public sealed class TrainingRowsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Read_NestedFieldsAndNumbers_AsTheBatteryReadsThem()
    {
        var path = _folder.Write("train.json", """
            [
              {"conversation": {"user": "Convert 2 m to cm.", "assistant": 200}},
              {"conversation": {"user": "Convert 3 m to cm.", "assistant": "300"}}
            ]
            """);
        var rows = TrainingRows.Read(path, new FieldMapping { Prompt = "conversation.user", Answer = "conversation.assistant" });
        Assert.Equal([("Convert 2 m to cm.", "200", 2), ("Convert 3 m to cm.", "300", 3)], rows.Select(r => (r.Prompt, r.Answer, r.Line)));
    }

    [Fact]
    public void Read_ARowWithoutItsAnswer_NamesTheLineAndTheField()
    {
        var path = _folder.Write("train.jsonl", "{\"prompt\":\"a\",\"answer\":\"b\"}\n{\"prompt\":\"c\"}\n");
        var problem = Assert.Single(Assert.Throws<BadInputException>(() => TrainingRows.Read(path, new FieldMapping())).Problems);
        Assert.Equal((2, "no text field 'answer'. Training rows need a prompt and an answer; map other columns with 'fields'."), (problem.Line, problem.Message));
    }
}
