using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Tasks;

namespace Gatekeeper.Core.Tests.Battery;

public sealed class TaskItemReaderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static TaskSpec Task(string data, ITaskKind? kind = null, FieldMapping? fields = null, string template = "{prompt}") =>
        new() { Name = "t", Category = TaskCategory.General, Kind = kind ?? TaskKind.Generate, Data = data, Fields = fields ?? new FieldMapping(), Template = template };

    [Fact]
    public void Read_CsvWithMappedFieldsAndTemplate_RendersPrompts()
    {
        var path = _folder.Write("q.csv", "question,target,subject\n\"What is 2, plus 2?\",4,math\nWhat is 3 + 3?,6,math\n");
        var items = TaskItemReader.Read(Task(path, fields: new FieldMapping { Prompt = "question", Answer = "target" }, template: "[{subject}] {prompt}"));
        Assert.Equal(["[math] What is 2, plus 2?", "[math] What is 3 + 3?"], items.Select(i => i.Prompt));
        Assert.Equal(["4", "6"], items.Select(i => i.Answer));
        Assert.Equal("line-2", items[0].Id);
    }

    [Fact]
    public void Read_MultipleChoiceWithIndexAnswer_MapsToTheChoice()
    {
        var path = _folder.Write("mc.jsonl", "{\"prompt\":\"Sky?\",\"choices\":[\"red\",\"blue\"],\"answer\":1}\n");
        Assert.Equal("blue", TaskItemReader.Read(Task(path, TaskKind.MultipleChoice)).Single().Answer);
    }

    [Fact]
    public void Read_BrokenJsonLine_NamesFileAndLine()
    {
        var path = _folder.Write("bad.jsonl", "{\"prompt\":\"a\",\"answer\":\"b\"}\n{\"prompt\": oops}\n");
        var error = Assert.Throws<BadInputException>(() => TaskItemReader.Read(Task(path)));
        Assert.Equal(2, error.Problems.Single().Line);
        Assert.Equal(path, error.Problems.Single().File);
    }

    [Fact]
    public void Read_RefusalItemWithoutLabel_SaysWhichField()
    {
        var path = _folder.Write("r.jsonl", "{\"prompt\":\"How?\"}\n");
        var error = Assert.Throws<BadInputException>(() => TaskItemReader.Read(Task(path, TaskKind.Refusal)));
        Assert.Contains("no 'label' field", error.Message);
    }

    [Fact]
    public void Read_FewShot_PutsSolvedExamplesBeforeEachPrompt_TheSameEachTime_NeverTheItemItself()
    {
        var train = _folder.Write("train.jsonl", string.Concat(Enumerable.Range(0, 8).Select(i => $"{{\"prompt\":\"{i} + 1?\",\"answer\":\"{i + 1}\"}}\n")));
        var test = _folder.Write("test.jsonl", "{\"id\":\"a\",\"prompt\":\"3 + 1?\",\"answer\":\"4\"}\n{\"id\":\"b\",\"prompt\":\"9 + 1?\",\"answer\":\"10\"}\n");
        var task = Task(test) with { FewShot = new FewShotSpec { Data = train, Count = 3 } };

        var items = TaskItemReader.Read(task);
        var shots = items[0].Prompt.Split("\n\n");
        Assert.Equal(4, shots.Length);
        Assert.Equal("3 + 1?", shots[^1]);
        Assert.All(shots[..^1], shot => Assert.Matches(@"^(\d) \+ 1\? (\d+)$", shot));
        Assert.DoesNotContain("3 + 1? 4", shots);                                   // never the item itself
        Assert.Equal(items.Select(i => i.Prompt), TaskItemReader.Read(task).Select(i => i.Prompt));   // the same every time
        Assert.Equal(items[0].Prompt, TaskItemReader.Read(task with { Limit = 1 }).Single().Prompt);   // whatever else is read
        Assert.NotEqual(items[0].Prompt, TaskItemReader.Read(task with { FewShot = task.FewShot! with { Seed = 7 } })[0].Prompt);
        Assert.Equal("4", items[0].Answer);

        var tooFew = Assert.Throws<BadInputException>(() => TaskItemReader.Read(task with { FewShot = task.FewShot! with { Count = 9 } }));
        Assert.Contains("asks for 9 examples", tooFew.Message);
    }

    [Fact]
    public void Read_CsvWithAQuoteNeverClosed_IsBadInput_NotRowsRunTogether()
    {
        var path = _folder.Write("q.csv", "prompt,answer\n\"What is 2 + 2?,4\nWhat is 3 + 3?,6\n");
        var error = Assert.Throws<BadInputException>(() => TaskItemReader.Read(Task(path)));
        Assert.Equal(path, error.Problems.Single().File);
        Assert.Contains("not valid CSV", error.Message);
    }

    [Fact]
    public void Read_DuplicateIds_AreRejected()
    {
        var path = _folder.Write("d.jsonl", "{\"id\":\"x\",\"prompt\":\"a\",\"answer\":\"b\"}\n{\"id\":\"x\",\"prompt\":\"c\",\"answer\":\"d\"}\n");
        Assert.Contains("appears twice", Assert.Throws<BadInputException>(() => TaskItemReader.Read(Task(path))).Message);
    }
}
