using BlueZero.Messages.Wire;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>The "did you mean" finder: same name in another case first, then a small edit distance, else nothing.</summary>
public sealed class ClosestNameTests
{
    private static readonly string[] Operations = [.. WireOperations.All];

    [Theory]
    [InlineData("start_proces", "start_process")]   // a letter left out
    [InlineData("start_processs", "start_process")] // a letter too many
    [InlineData("stop_porcess", "stop_process")]    // two letters swapped count as one edit
    [InlineData("kil_all", "kill_all")]
    [InlineData("list_proceses", "list_processes")]
    public void A_small_typo_finds_the_operation(string typo, string meant)
    {
        Assert.Equal(meant, ClosestName.Find(typo, Operations));
    }

    [Fact]
    public void The_same_name_in_another_case_wins_over_any_edit_distance()
    {
        Assert.Equal("Lab-3", ClosestName.Find("LAB-3", ["lab-4", "Lab-3"]));
    }

    [Theory]
    [InlineData("launch_process")]
    [InlineData("verbose")]
    [InlineData("x")]
    [InlineData("")]
    public void Nothing_close_gives_null(string input)
    {
        Assert.Null(ClosestName.Find(input, Operations));
    }

    [Fact]
    public void Short_names_allow_one_edit_and_no_more()
    {
        Assert.Equal("node-a", ClosestName.Find("node-b", ["node-a"]));
        Assert.Null(ClosestName.Find("nd-b", ["node-a"]));
    }

    [Fact]
    public void The_allowed_distance_grows_with_the_length_of_the_input()
    {
        // Four letters changed: allowed in 16 characters (16 / 4 = 4), not in 15 (15 / 4 = 3).
        Assert.Equal("abcdefghijklmnop", ClosestName.Find("abcdWXYZijklmnop", ["abcdefghijklmnop"]));
        Assert.Null(ClosestName.Find("abcdWXYZijklmno", ["abcdefghijklmno"]));
    }

    [Fact]
    public void The_closest_of_several_candidates_wins_and_ties_go_to_the_first()
    {
        Assert.Equal("web-2", ClosestName.Find("web-22", ["web-1", "web-2", "web-222"]));
        Assert.Equal("node-1", ClosestName.Find("node-3", ["node-1", "node-2"]));
    }

    [Fact]
    public void A_huge_input_is_answered_at_once()
    {
        Assert.Null(ClosestName.Find(new string('s', 1_000_000), Operations));
    }
}
