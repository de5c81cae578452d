using System.Text;
using BlueZero.ProcessManager.Output;
using Xunit;

namespace BlueZero.Tests.Unit.Output;

public sealed class LineSplitterTests
{
    private static List<string> Split(int maxLine, params string[] chunks)
    {
        var lines = new List<string>();
        var splitter = new LineSplitter(maxLine);
        foreach (var chunk in chunks) splitter.Push(Encoding.UTF8.GetBytes(chunk), l => lines.Add(Encoding.UTF8.GetString(l)));
        splitter.Finish(l => lines.Add(Encoding.UTF8.GetString(l)));
        return lines;
    }

    [Fact]
    public void Lines_are_cut_at_newlines_across_chunk_boundaries() =>
        Assert.Equal(["alpha", "beta", "gamma"], Split(100, "alp", "ha\nbe", "ta\ngam", "ma\n"));

    [Fact]
    public void A_carriage_return_before_the_newline_is_dropped_and_empty_lines_are_kept() =>
        Assert.Equal(["dos", "", "unix"], Split(100, "dos\r\n\nunix\n"));

    [Fact]
    public void The_last_line_without_a_newline_is_emitted_at_the_end() =>
        Assert.Equal(["one", "unterminated"], Split(100, "one\nunterminated"));

    [Fact]
    public void A_line_longer_than_the_limit_is_cut_into_pieces_of_the_limit() =>
        Assert.Equal(["abcd", "efgh", "ij", "next"], Split(4, "abcdefghij\nnext\n"));

    [Fact]
    public void A_long_line_arriving_in_small_chunks_is_cut_the_same_way() =>
        Assert.Equal(["abcd", "efgh", "ij"], Split(4, "ab", "cd", "ef", "gh", "ij"));
}
