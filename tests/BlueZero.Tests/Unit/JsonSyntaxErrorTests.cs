using System.Text;
using BlueZero.Messages.Wire;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>
/// A body that is not JSON gets told what is wrong in JSON's terms, with the 0-based byte offset into the body, and
/// never the .NET reader's advice ("Change the reader options. LineNumber: 0 | BytePositionInLine: 38").
/// </summary>
public sealed class JsonSyntaxErrorTests
{
    private static string Rejected(string json) => Rejected(Encoding.UTF8.GetBytes(json));

    private static string Rejected(byte[] body)
    {
        var result = WireParser.Parse(body);
        Assert.False(result.IsOk, $"expected {Encoding.UTF8.GetString(body)} to be rejected");
        return result.Error!;
    }

    [Theory]
    [InlineData("""{"host_name":"lab-3","list_processes":{},}""", "trailing comma at byte 40")]
    [InlineData("""{"kill_all":{"all_hosts":true,  }}""", "trailing comma at byte 29")]
    [InlineData("""{"stop_process":{"pid":1}""", "unexpected end of input at byte 25")]
    [InlineData("""{"stop_process":{"pid":1""", "unexpected end of input at byte 24")]
    [InlineData("""{"stop_process":{"name":"web""", "unterminated string at byte 24")]
    [InlineData("""{"stop_process":{pid:1}}""", "expected a property name in double quotes, found 'p', at byte 17")]
    [InlineData("""{'stop_process':{}}""", "expected a property name in double quotes, found ''', at byte 1")]
    [InlineData("""{"stop_process" {}}""", "expected ':' after a property name, found '{', at byte 16")]
    [InlineData("""{"stop_process":{"pid":1 "wait":true}}""", "expected ',' or a closing bracket after a value, found '\"', at byte 25")]
    [InlineData("""{"stop_process":{"pid":x}}""", "unexpected character 'x' at byte 23")]
    [InlineData("""{"stop_process":{"pid":01}}""", "invalid number at byte 23")]
    [InlineData("""{"stop_process":{"pid":1.}}""", "invalid number at byte 23")]
    [InlineData("""{"stop_process":{"pid":1,"wait":tru}}""", "invalid literal (only true, false and null are allowed) at byte 32")]
    [InlineData("""{"list_processes":{}} x""", "unexpected content after the JSON value at byte 22")]
    [InlineData("""{"list_processes":{}]""", "unmatched ']' at byte 20")]
    [InlineData("""{"list_processes":{} /* all */}""", "comments are not allowed at byte 21")]
    [InlineData("""{"stop_process":{"name":"a\qb"}}""", "invalid escape sequence in a string at byte 27")]
    [InlineData("{\"stop_process\":{\"name\":\"a\tb\"}}", "unescaped control character U+0009 in a string at byte 26")]
    [InlineData("{\"stop_process\":{\"name\":\"ünï\",}}", "trailing comma at byte 31")] // offsets count UTF-8 bytes, not characters
    [InlineData("{\"list_processes\":{},\n  \"x\":1,\n}", "trailing comma at byte 29")] // and lines are counted in
    public void Each_syntax_error_is_named_in_JSON_terms_with_its_byte_offset(string json, string detail)
    {
        Assert.Equal(ErrorTexts.MalformedJson(detail), Rejected(json));
    }

    [Fact]
    public void The_offset_counts_a_leading_byte_order_mark()
    {
        var body = Encoding.UTF8.GetBytes("\uFEFF{\"list_processes\":{},}");

        Assert.Equal(ErrorTexts.MalformedJson("trailing comma at byte 23"), Rejected(body));
    }

    [Fact]
    public void Nesting_beyond_the_limit_names_the_limit()
    {
        var json = new string('[', WireParser.MaxDepth + 1) + new string(']', WireParser.MaxDepth + 1);

        Assert.Equal(ErrorTexts.MalformedJson($"nested deeper than {WireParser.MaxDepth} levels at byte {WireParser.MaxDepth}"), Rejected(json));
    }

    [Fact]
    public void A_character_that_is_not_printable_is_shown_as_its_code_point()
    {
        Assert.Equal(ErrorTexts.MalformedJson("unexpected character U+0001 at byte 18"), Rejected("{\"list_processes\":\u0001{}}"));
    }

    [Fact]
    public void An_escape_of_half_a_surrogate_pair_is_named_with_its_offset()
    {
        Assert.Equal(ErrorTexts.MalformedJson("unpaired surrogate \\uDAC0 in a string at byte 41"),
            Rejected("""{"stop_process":{"name":"\\\"\uD83D\uDE00\udac0x"}}"""));
    }

    [Fact]
    public void Text_with_a_lone_surrogate_is_refused_as_not_UTF_8()
    {
        Assert.Equal(ErrorTexts.InvalidUtf8, WireParser.Parse("{\"stop_process\":{\"name\":\"\uD800\"}}").Error);
    }
}
