using Gatekeeper.Battery;
using Gatekeeper.Specs;
using Gatekeeper.Tasks;

namespace Gatekeeper.Core.Tests.Tasks;

public sealed class InstructionFollowingTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private TaskSpec Task(string rows) => new()
    {
        Name = "ifeval", Category = TaskCategory.General, Kind = TaskKind.InstructionFollowing, Data = _folder.Write("input_data.jsonl", rows),
        Fields = new FieldMapping { Id = "key" },
    };

    // Rows as IFEval's input_data.jsonl has them: an argument object per instruction, unused ones empty.
    private const string Rows =
        """{"key": 1000, "prompt": "Describe a cat in lower case letters only, with no commas.", "instruction_id_list": ["change_case:english_lowercase", "punctuation:no_comma"], "kwargs": [{}, {}]}""" + "\n" +
        """{"key": 1001, "prompt": "Write at least 5 words and end with 'Is there anything else?'", "instruction_id_list": ["length_constraints:number_words", "startend:end_checker"], "kwargs": [{"relation": "at least", "num_words": 5}, {"end_phrase": "Is there anything else?"}]}""" + "\n" +
        """{"key": 1002, "prompt": "Answer in JSON.", "instruction_id_list": ["detectable_format:json_format"], "kwargs": [{}]}""" + "\n" +
        """{"key": 1003, "prompt": "Fewer than 4 words.", "instruction_id_list": ["length_constraints:number_words"], "kwargs": [{"relation": "less than", "num_words": 4}]}""" + "\n";

    private bool Right(TaskSpec task, TaskItem item, string response) => TaskKind.InstructionFollowing.Score(task, item, new GenerationResponse(response)).Correct;

    [Fact]
    public void Response_IsRightOnlyWhenItFollowsEveryInstruction()
    {
        var task = Task(Rows);
        var items = TaskItemReader.Read(task);
        Assert.Equal(["1000", "1001", "1002", "1003"], items.Select(i => i.Id));

        Assert.True(Right(task, items[0], "a cat is a small soft animal"));
        Assert.False(Right(task, items[0], "A cat is a small soft animal"));        // upper case
        Assert.False(Right(task, items[0], "a cat is small, soft and quiet"));      // a comma

        Assert.True(Right(task, items[1], "Cats nap all day long. Is there anything else?"));
        Assert.False(Right(task, items[1], "Is there anything else?"));            // 4 words, fewer than 5
        Assert.False(Right(task, items[1], "Cats nap all day long and purr."));     // no end phrase

        Assert.True(Right(task, items[2], "```json\n{\"animal\": \"cat\"}\n```"));
        Assert.False(Right(task, items[2], "The animal is a cat."));

        Assert.True(Right(task, items[3], "Cats purr."));
        Assert.False(Right(task, items[3], "Cats purr very loudly."));
    }

    [Fact]
    public void UnknownInstructionOrMissingArguments_AreBadInputAtTheirLine()
    {
        var unknown = Assert.Throws<BadInputException>(() => TaskItemReader.Read(Task(
            """{"key": 1, "prompt": "p", "instruction_id_list": ["language:response_language"], "kwargs": [{"language": "fr"}]}""" + "\n")));
        Assert.Contains("instruction 'language:response_language' is not one Gatekeeper checks; supported: change_case:english_lowercase", unknown.Message);
        var noCount = Assert.Single(Assert.Throws<BadInputException>(() => TaskItemReader.Read(Task(
            """{"key": 1, "prompt": "p", "instruction_id_list": ["punctuation:no_comma"], "kwargs": [{}]}""" + "\n" +
            """{"key": 2, "prompt": "p", "instruction_id_list": ["length_constraints:number_words"], "kwargs": [{"relation": "at least"}]}""" + "\n"))).Problems);
        Assert.Equal((2, "number_words needs a whole 'num_words'."), (noCount.Line, noCount.Message));
    }
}
