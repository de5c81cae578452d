using System.Text;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Newtonsoft.Json.Linq;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>
/// The wire parser as a specification: every valid request shape, and the exact error text for every bad one.
/// </summary>
public sealed class WireParserTests
{
    private const string Start = WireOperations.StartProcess;
    private const string Stop = WireOperations.StopProcess;
    private const string Query = WireOperations.QueryProcessStatus;
    private const string List = WireOperations.ListActiveProcesses;

    private static readonly string NameLengthRule = $"must be 1 to {WireParser.MaxNameLength} characters";
    private const string EnvNameRule = "a variable name must be non-empty and contain neither '=' nor NUL";
    private const string NulRule = "contains a NUL character";

    // ---------------------------------------------------------------- helpers

    private static HubRequest Parsed(string json)
    {
        var result = WireParser.Parse(json);
        Assert.True(result.IsOk, $"expected {json} to parse, got error: {result.Error}");
        Assert.Null(result.Error);
        return result.Request!;
    }

    private static string Rejected(string json)
    {
        var result = WireParser.Parse(json);
        Assert.False(result.IsOk, $"expected {json} to be rejected, got {result.Request}");
        Assert.Null(result.Request);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        return result.Error!;
    }

    private static string Rejected(byte[] body)
    {
        var result = WireParser.Parse(body);
        Assert.Null(result.Request);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        return result.Error!;
    }

    private static TCommand CommandOf<TCommand>(string json) where TCommand : INodeCommand =>
        Assert.IsType<TCommand>(Parsed(json).Command);

    /// <summary>Builds <c>{"start_process":{"path":"/bin/true", ...extra}}</c> so each test only states what it varies.</summary>
    private static string StartWith(string field, JToken value) =>
        new JObject { [Start] = new JObject { ["path"] = "/bin/true", [field] = value } }.ToString();

    private static string StartWithRaw(string fieldsJson) =>
        $$$"""{"start_process":{"path":"/bin/true",{{{fieldsJson}}}}}""";

    /// <summary>A syntax error in JSON terms with the byte offset, never the reader's .NET advice.</summary>
    private static void AssertMalformed(string error)
    {
        Assert.StartsWith(ErrorTexts.MalformedJson(""), error);
        Assert.Matches(@" at byte \d+$", error);
        Assert.DoesNotContain("LineNumber", error);
        Assert.DoesNotContain("reader options", error);
    }

    private static string Nested(int depth, string innermost)
    {
        var text = new StringBuilder();
        for (var i = 0; i < depth; i++) text.Append("{\"x\":");
        text.Append(innermost);
        text.Append('}', depth);
        return text.ToString();
    }

    // ---------------------------------------------------------------- start_process: valid

    [Fact]
    public void Start_with_only_a_path_has_no_args_env_cwd_or_name()
    {
        var start = CommandOf<StartProcess>("""{"start_process":{"path":"/bin/sleep"}}""");

        Assert.Equal("/bin/sleep", start.Path);
        Assert.Empty(start.Args);
        Assert.Null(start.Env);
        Assert.Null(start.Cwd);
        Assert.Null(start.Name);
    }

    [Fact]
    public void Start_with_args_env_cwd_and_name_carries_every_field()
    {
        var start = CommandOf<StartProcess>("""
            {"start_process":{
                "path":"/usr/bin/python3",
                "args":["-m","http.server","8080"],
                "env":{"PYTHONUNBUFFERED":"1","LANG":"C.UTF-8"},
                "cwd":"/srv/www",
                "name":"web"}}
            """);

        Assert.Equal("/usr/bin/python3", start.Path);
        Assert.Equal(["-m", "http.server", "8080"], start.Args);
        Assert.NotNull(start.Env);
        Assert.Equal(2, start.Env!.Count);
        Assert.Equal("1", start.Env["PYTHONUNBUFFERED"]);
        Assert.Equal("C.UTF-8", start.Env["LANG"]);
        Assert.Equal("/srv/www", start.Cwd);
        Assert.Equal("web", start.Name);
    }

    [Fact]
    public void Start_passes_args_exactly_with_spaces_quotes_and_unicode()
    {
        string[] args =
        [
            "two words", "  padded  ", "\"double quoted\"", "'single quoted'", "back\\slash", "$HOME", "*.txt",
            "; rm -rf /", "tab\there", "new\nline", "", "ünïcødé", "日本語", "🚀 rocket", "--flag=a b",
        ];
        var json = new JObject { [Start] = new JObject { ["path"] = "/bin/echo", ["args"] = new JArray(args) } }.ToString();

        var start = CommandOf<StartProcess>(json);

        Assert.Equal(args, start.Args);
    }

    [Fact]
    public void Start_keeps_escaped_args_verbatim()
    {
        var start = CommandOf<StartProcess>("""{"start_process":{"path":"/bin/echo","args":["a\"b","c\\d","\u00e9\u2603","\ud83d\ude80"]}}""");

        Assert.Equal(["a\"b", "c\\d", "é☃", "🚀"], start.Args);
    }

    [Fact]
    public void Start_with_an_empty_args_array_has_no_args()
    {
        var start = CommandOf<StartProcess>("""{"start_process":{"path":"/bin/true","args":[]}}""");

        Assert.Empty(start.Args);
    }

    [Fact]
    public void Start_with_an_empty_env_object_has_an_empty_environment()
    {
        var start = CommandOf<StartProcess>("""{"start_process":{"path":"/bin/true","env":{}}}""");

        Assert.NotNull(start.Env);
        Assert.Empty(start.Env!);
    }

    [Fact]
    public void Start_env_values_may_be_empty_and_contain_equals_signs()
    {
        var start = CommandOf<StartProcess>("""{"start_process":{"path":"/bin/true","env":{"EMPTY":"","OPTS":"a=b=c"}}}""");

        Assert.Equal("", start.Env!["EMPTY"]);
        Assert.Equal("a=b=c", start.Env["OPTS"]);
    }

    [Fact]
    public void Start_treats_null_optional_fields_as_absent()
    {
        var start = CommandOf<StartProcess>("""{"start_process":{"path":"/bin/true","args":null,"env":null,"cwd":null,"name":null}}""");

        Assert.Empty(start.Args);
        Assert.Null(start.Env);
        Assert.Null(start.Cwd);
        Assert.Null(start.Name);
    }

    [Fact]
    public void Start_accepts_a_name_of_exactly_the_maximum_length()
    {
        var name = new string('n', WireParser.MaxNameLength);

        var start = CommandOf<StartProcess>(StartWith("name", name));

        Assert.Equal(name, start.Name);
    }

    [Fact]
    public void Start_accepts_a_unicode_name()
    {
        var start = CommandOf<StartProcess>(StartWith("name", "café-☃"));

        Assert.Equal("café-☃", start.Name);
    }

    // ---------------------------------------------------------------- stop_process / query_process_status / list: valid

    [Fact]
    public void Stop_by_pid_targets_that_pid()
    {
        var stop = CommandOf<StopProcess>("""{"stop_process":{"pid":4242}}""");

        Assert.Equal(ProcessTarget.ByPid(4242), stop.Target);
    }

    [Fact]
    public void Stop_by_name_targets_that_name()
    {
        var stop = CommandOf<StopProcess>("""{"stop_process":{"name":"web"}}""");

        Assert.Equal(ProcessTarget.ByName("web"), stop.Target);
    }

    [Fact]
    public void Stop_without_wait_does_not_wait()
    {
        var stop = CommandOf<StopProcess>("""{"stop_process":{"pid":1}}""");

        Assert.False(stop.Wait);
    }

    [Fact]
    public void Stop_with_wait_true_waits_for_the_exit()
    {
        var stop = CommandOf<StopProcess>("""{"stop_process":{"pid":1,"wait":true}}""");

        Assert.True(stop.Wait);
    }

    [Fact]
    public void Stop_with_wait_false_does_not_wait()
    {
        var stop = CommandOf<StopProcess>("""{"stop_process":{"name":"web","wait":false}}""");

        Assert.False(stop.Wait);
    }

    [Fact]
    public void Stop_with_wait_null_does_not_wait()
    {
        var stop = CommandOf<StopProcess>("""{"stop_process":{"pid":1,"wait":null}}""");

        Assert.False(stop.Wait);
    }

    [Fact]
    public void Stop_accepts_the_largest_int_pid()
    {
        var stop = CommandOf<StopProcess>($$$"""{"stop_process":{"pid":{{{int.MaxValue}}}}}""");

        Assert.Equal(ProcessTarget.ByPid(int.MaxValue), stop.Target);
    }

    [Fact]
    public void Stop_treats_a_null_pid_beside_a_name_as_absent()
    {
        var stop = CommandOf<StopProcess>("""{"stop_process":{"pid":null,"name":"web"}}""");

        Assert.Equal(ProcessTarget.ByName("web"), stop.Target);
    }

    [Fact]
    public void Query_by_pid_targets_that_pid()
    {
        var query = CommandOf<QueryProcessStatus>("""{"query_process_status":{"pid":7}}""");

        Assert.Equal(ProcessTarget.ByPid(7), query.Target);
    }

    [Fact]
    public void Query_by_name_targets_that_name()
    {
        var query = CommandOf<QueryProcessStatus>("""{"query_process_status":{"name":"worker-1"}}""");

        Assert.Equal(ProcessTarget.ByName("worker-1"), query.Target);
    }

    [Fact]
    public void List_with_an_empty_body_lists_active_processes()
    {
        Assert.IsType<ListActiveProcesses>(Parsed("""{"list_active_processes":{}}""").Command);
    }

    [Theory]
    [InlineData("""{"start_process":{"path":"/bin/true"}}""", Start)]
    [InlineData("""{"stop_process":{"pid":1}}""", Stop)]
    [InlineData("""{"query_process_status":{"pid":1}}""", Query)]
    [InlineData("""{"list_active_processes":{}}""", List)]
    public void Operation_of_the_request_mirrors_the_operation_key(string json, string operation)
    {
        Assert.Equal(operation, Parsed(json).Operation);
    }

    [Fact]
    public void Whitespace_around_the_request_object_is_allowed()
    {
        Assert.IsType<ListActiveProcesses>(Parsed(" \r\n\t{ \"list_active_processes\" : { } }\n\t ").Command);
    }

    [Fact]
    public void Bytes_in_valid_utf8_parse_like_the_same_text()
    {
        var body = Encoding.UTF8.GetBytes("""{"start_process":{"path":"/opt/ünï/bin","args":["日本語"]}}""");

        var result = WireParser.Parse(body);

        var start = Assert.IsType<StartProcess>(result.Request!.Command);
        Assert.Equal("/opt/ünï/bin", start.Path);
        Assert.Equal(["日本語"], start.Args);
    }

    // ---------------------------------------------------------------- host_name

    [Fact]
    public void Host_name_when_present_is_carried_with_the_command()
    {
        var request = Parsed("""{"host_name":"node-a","stop_process":{"pid":3}}""");

        Assert.Equal("node-a", request.HostName);
        Assert.Equal(new StopProcess(ProcessTarget.ByPid(3)), request.Command);
    }

    [Fact]
    public void Host_name_may_follow_the_operation()
    {
        var request = Parsed("""{"list_active_processes":{},"host_name":"node-b"}""");

        Assert.Equal("node-b", request.HostName);
    }

    [Fact]
    public void Host_name_when_absent_is_null()
    {
        var request = Parsed("""{"list_active_processes":{}}""");

        Assert.Null(request.HostName);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("""["node-a"]""")]
    [InlineData("""{"name":"node-a"}""")]
    public void Host_name_of_the_wrong_type_is_rejected(string value)
    {
        var error = Rejected($$$"""{"host_name":{{{value}}},"list_active_processes":{}}""");

        Assert.Equal(ErrorTexts.WrongType(WireOperations.HostName, "a non-empty string"), error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\\t\\n")]
    public void Host_name_empty_or_blank_is_rejected(string value)
    {
        var error = Rejected($$$"""{"host_name":"{{{value}}}","list_active_processes":{}}""");

        Assert.Equal(ErrorTexts.WrongType(WireOperations.HostName, "a non-empty string"), error);
    }

    // ---------------------------------------------------------------- body-level errors

    [Fact]
    public void Empty_text_is_an_empty_request()
    {
        Assert.Equal(ErrorTexts.EmptyRequest, Rejected(""));
    }

    [Fact]
    public void Empty_body_bytes_are_an_empty_request()
    {
        Assert.Equal(ErrorTexts.EmptyRequest, Rejected(Array.Empty<byte>()));
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\n")]
    [InlineData(" \t\r\n ")]
    public void Whitespace_only_body_is_an_empty_request(string body)
    {
        Assert.Equal(ErrorTexts.EmptyRequest, Rejected(body));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]                   // never valid in UTF-8
    [InlineData(new byte[] { 0xC3, 0x28 })]             // lead byte followed by a non-continuation byte
    [InlineData(new byte[] { 0xE2, 0x82 })]             // truncated three-byte sequence
    [InlineData(new byte[] { 0xC0, 0xAF })]             // overlong encoding of '/'
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]       // encoded UTF-16 surrogate
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // beyond U+10FFFF
    [InlineData(new byte[] { 0x80 })]                   // lone continuation byte
    public void Invalid_utf8_bytes_are_rejected(byte[] bad)
    {
        var prefix = Encoding.UTF8.GetBytes("""{"start_process":{"path":"/bin/""");
        var suffix = Encoding.UTF8.GetBytes("\"}}");
        var body = prefix.Concat(bad).Concat(suffix).ToArray();

        Assert.Equal(ErrorTexts.InvalidUtf8, Rejected(body));
    }

    [Fact]
    public void Invalid_utf8_alone_is_rejected_as_invalid_utf8()
    {
        Assert.Equal(ErrorTexts.InvalidUtf8, Rejected(new byte[] { 0xFE, 0xFF, 0x00 }));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""[{"list_active_processes":{}}]""")]
    [InlineData("42")]
    [InlineData("-1.5")]
    [InlineData("\"list_active_processes\"")]
    [InlineData("null")]
    [InlineData("true")]
    public void Request_that_is_not_an_object_is_rejected(string json)
    {
        Assert.Equal(ErrorTexts.NotAnObject, Rejected(json));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"")]
    [InlineData("""{"start_process""")]
    [InlineData("""{"start_process":""")]
    [InlineData("""{"start_process":{"path":"/bin/tr""")]
    [InlineData("""{"start_process":{"path":"/bin/true","args":["a",""")]
    [InlineData("""{"start_process":{"path":"/bin/true"}""")]
    [InlineData("""{"stop_process":{"pid":1""")]
    [InlineData("""{"stop_process":{"pid":-""")]
    [InlineData("""{"stop_process":{"wait":tr""")]
    public void Truncated_json_is_malformed(string json)
    {
        AssertMalformed(Rejected(json));
    }

    [Theory]
    [InlineData("""{"list_active_processes":{}} x""")]
    [InlineData("""{"list_active_processes":{}}{}""")]
    [InlineData("""{"list_active_processes":{}}{"list_active_processes":{}}""")]
    [InlineData("""{"list_active_processes":{}},""")]
    [InlineData("""{"list_active_processes":{}}]""")]
    [InlineData("""{"list_active_processes":{}}}""")]
    [InlineData("""{"list_active_processes":{}} 1""")]
    [InlineData("""{"list_active_processes":{}}"tail" """)]
    public void Trailing_garbage_after_the_object_is_malformed(string json)
    {
        AssertMalformed(Rejected(json));
    }

    [Theory]
    [InlineData("""{"list_active_processes":{}} /* trailing */""")]
    [InlineData("""{"list_active_processes":{}} // trailing""")]
    public void Trailing_comment_after_the_object_is_malformed(string json)
    {
        AssertMalformed(Rejected(json));
    }

    [Theory]
    [InlineData("""{"list_active_processes":{},"list_active_processes":{}}""", "list_active_processes")]
    [InlineData("""{"host_name":"a","host_name":"b","list_active_processes":{}}""", "host_name")]
    [InlineData("""{"stop_process":{"pid":1,"pid":2}}""", "pid")]
    [InlineData("""{"stop_process":{"pid":1,"p\u0069d":1}}""", "pid")]
    [InlineData("""{"start_process":{"path":"/bin/a","path":"/bin/b"}}""", "path")]
    [InlineData("""{"start_process":{"path":"/bin/true","env":{"A":"1","A":"2"}}}""", "A")]
    public void Duplicate_keys_are_malformed_and_named(string json, string key)
    {
        Assert.Equal(ErrorTexts.MalformedJson($"duplicate key \"{key}\""), Rejected(json));
    }

    [Fact]
    public void Duplicate_key_at_any_level_is_malformed_even_inside_an_array()
    {
        Assert.Equal(ErrorTexts.MalformedJson("duplicate key \"k\""), Rejected("""{"start_process":{"path":"/bin/true","args":[{"k":1,"k":2}]}}"""));
    }

    [Fact]
    public void Refused_request_names_its_operation_once_the_operation_key_is_known()
    {
        Assert.Equal(Start, WireParser.Parse("""{"start_process":{"path":42}}""").Operation);
        Assert.Null(WireParser.Parse("""{"start_proces":{}}""").Operation);
    }

    [Fact]
    public void Duplicate_key_error_does_not_echo_a_huge_key()
    {
        var key = new string('k', 100_000);

        var error = Rejected($$$"""{"list_active_processes":{},"{{{key}}}":1,"{{{key}}}":2}""");

        Assert.StartsWith(ErrorTexts.MalformedJson("duplicate key \"kkk"), error);
        Assert.True(error.Length < 300, $"error of {error.Length} characters");
    }

    // ---------------------------------------------------------------- strict RFC 8259: no lenient extensions

    [Theory]
    [InlineData("""{'list_active_processes':{}}""")]
    [InlineData("""{"stop_process":{"name":'web'}}""")]
    public void Single_quoted_strings_are_malformed(string json)
    {
        AssertMalformed(Rejected(json));
    }

    [Theory]
    [InlineData("""{list_active_processes:{}}""")]
    [InlineData("""{"stop_process":{pid:1}}""")]
    public void Unquoted_property_names_are_malformed(string json)
    {
        AssertMalformed(Rejected(json));
    }

    [Theory]
    [InlineData("""{"list_active_processes":{},}""")]
    [InlineData("""{"stop_process":{"pid":1,}}""")]
    [InlineData("""{"start_process":{"path":"/bin/true","args":["a",]}}""")]
    [InlineData("""{"start_process":{"path":"/bin/true","env":{"A":"1",}}}""")]
    public void Trailing_commas_are_malformed(string json)
    {
        AssertMalformed(Rejected(json));
    }

    [Theory]
    [InlineData("""/* c */{"list_active_processes":{}}""")]
    [InlineData("""{"list_active_processes":/* c */{}}""")]
    [InlineData("{\"stop_process\":{\"pid\":1 // c\n}}")]
    public void Comments_are_malformed(string json)
    {
        AssertMalformed(Rejected(json));
    }

    [Theory]
    [InlineData("010")]
    [InlineData("0x10")]
    [InlineData("0X1F")]
    [InlineData("00")]
    [InlineData("+1")]
    [InlineData(".5")]
    [InlineData("1.")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public void Octal_hex_and_other_non_JSON_numbers_as_pid_are_malformed(string pid)
    {
        AssertMalformed(Rejected($$$"""{"stop_process":{"pid":{{{pid}}}}}"""));
    }

    [Fact]
    public void Raw_NUL_between_tokens_is_malformed()
    {
        AssertMalformed(Rejected("{\"stop_process\":\0{\"pid\":1}}"));
        AssertMalformed(Rejected("{\"list_active_processes\":{}}\0"));
        AssertMalformed(Rejected(Encoding.UTF8.GetBytes("{\0\"list_active_processes\":{}}")));
    }

    [Fact]
    public void Raw_control_character_inside_a_string_is_malformed()
    {
        AssertMalformed(Rejected("{\"start_process\":{\"path\":\"/bin/a\u0012b\"}}"));
        AssertMalformed(Rejected(Encoding.UTF8.GetBytes("{\"start_process\":{\"path\":\"/bin/true\",\"args\":[\"a\u0012b\"]}}")));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\t")]
    [InlineData("\u001f")]
    public void Raw_line_break_tab_or_unit_separator_inside_a_string_is_malformed(string control)
    {
        AssertMalformed(Rejected($$$"""{"stop_process":{"name":"we{{{control}}}b"}}"""));
    }

    [Fact]
    public void Escaped_control_character_inside_a_string_is_judged_on_its_field()
    {
        var start = CommandOf<StartProcess>("""{"start_process":{"path":"/bin/a\u0012b"}}""");

        Assert.Equal("/bin/a\u0012b", start.Path);
    }

    [Fact]
    public void Byte_order_mark_before_a_valid_request_in_bytes_is_ignored()
    {
        var body = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("""{"stop_process":{"pid":7}}""")).ToArray();

        var result = WireParser.Parse(body);

        Assert.True(result.IsOk, result.Error);
        Assert.Equal(new StopProcess(ProcessTarget.ByPid(7)), result.Request!.Command);
    }

    [Fact]
    public void Byte_order_mark_before_a_valid_request_in_text_is_ignored()
    {
        var request = Parsed("\uFEFF{\"host_name\":\"node-a\",\"list_active_processes\":{}}");

        Assert.Equal("node-a", request.HostName);
        Assert.IsType<ListActiveProcesses>(request.Command);
    }

    [Fact]
    public void Byte_order_mark_alone_is_an_empty_request()
    {
        Assert.Equal(ErrorTexts.EmptyRequest, Rejected(new byte[] { 0xEF, 0xBB, 0xBF }));
        Assert.Equal(ErrorTexts.EmptyRequest, Rejected("\uFEFF"));
    }

    [Fact]
    public void Malformed_json_around_a_huge_token_gets_a_short_error()
    {
        var error = Rejected($$$"""{"stop_process":{"pid":{{{new string('x', 100_000)}}}}}""");

        AssertMalformed(error);
        Assert.True(error.Length <= ErrorTexts.MalformedJson("").Length + 200 + "...".Length, $"error of {error.Length} characters");
    }

    public static IEnumerable<object[]> HugeInputs()
    {
        var huge = new string('h', 100_000);
        yield return [$$$"""{"{{{huge}}}":{}}"""];                                               // unknown operation
        yield return [$$$"""{"list_active_processes":{"{{{huge}}}":1}}"""];                      // unknown field
        yield return [$$$"""{"start_process":{"path":"{{{huge}}}"}}"""];                         // relative path
        yield return [$$$"""{"start_process":{"path":"/bin/true","cwd":"{{{huge}}}"}}"""];       // relative cwd
        yield return ["{\"start_process\":{\"path\":\"/bin/true\",\"env\":{\"=" + huge + "\":\"1\"}}}"]; // bad env name
        yield return ["{\"start_process\":{\"path\":\"/bin/true\",\"env\":{\"" + huge + "\":1}}}"];    // bad env value
        yield return [$$$"""{"stop_process":{"name":"{{{huge}}}"}}"""];                          // over-long name
        yield return [$$$"""{"stop_process":{"pid":1,"{{{huge}}}":1,"{{{huge}}}":2}}"""];        // duplicate field
        yield return [$$$"""{"stop_process":{"pid":"{{{huge}}}}}"""];                            // unterminated string
    }

    [Theory]
    [MemberData(nameof(HugeInputs))]
    public void Error_text_never_echoes_a_huge_input(string json)
    {
        var error = Rejected(json);

        // at most the capped detail (200 characters of the input) inside a fixed text
        Assert.DoesNotContain(new string('h', 201), error);
        Assert.True(error.Length < 500, $"error of {error.Length} characters: {error[..Math.Min(error.Length, 600)]}");
    }

    [Fact]
    public void Nesting_deeper_than_MaxDepth_is_malformed()
    {
        // the root object plus MaxDepth nested objects (the first is the operation body): MaxDepth + 1 containers
        var json = $$$"""{"list_active_processes":{{{Nested(WireParser.MaxDepth, "1")}}}}""";

        var error = Rejected(json);

        AssertMalformed(error);
        Assert.Contains($"nested deeper than {WireParser.MaxDepth} levels", error);
    }

    [Fact]
    public void Nesting_of_arrays_deeper_than_MaxDepth_is_malformed()
    {
        var depth = WireParser.MaxDepth + 1;

        var error = Rejected(new string('[', depth) + new string(']', depth));

        AssertMalformed(error);
        Assert.Contains($"nested deeper than {WireParser.MaxDepth} levels", error);
    }

    [Fact]
    public void Nesting_far_deeper_than_MaxDepth_is_malformed_without_crashing()
    {
        var error = Rejected($$$"""{"list_active_processes":{{{Nested(100_000, "1")}}}}""");

        AssertMalformed(error);
        Assert.True(error.Length < 300, $"error of {error.Length} characters");
        Assert.Contains($"nested deeper than {WireParser.MaxDepth} levels", error);
    }

    [Fact]
    public void Nesting_of_exactly_MaxDepth_is_parsed_and_judged_on_its_fields()
    {
        // the root object plus MaxDepth - 1 nested objects (the first is the operation body): MaxDepth containers
        var json = $$$"""{"list_active_processes":{{{Nested(WireParser.MaxDepth - 1, "1")}}}}""";

        Assert.Equal(ErrorTexts.UnknownField($"{List}.x"), Rejected(json));
    }

    // ---------------------------------------------------------------- operation keys

    [Fact]
    public void Unknown_operation_is_named_in_the_error()
    {
        Assert.Equal("unknown operation: launch_process", Rejected("""{"launch_process":{"path":"/bin/true"}}"""));
    }

    [Fact]
    public void Operation_keys_are_case_sensitive_and_the_error_suggests_the_right_case()
    {
        Assert.Equal("unknown operation: Stop_Process (did you mean stop_process?)", Rejected("""{"Stop_Process":{"pid":1}}"""));
    }

    [Fact]
    public void A_misspelt_operation_gets_the_closest_operation_suggested()
    {
        Assert.Equal("unknown operation: start_proces (did you mean start_process?)", Rejected("""{"host_name":"a","start_proces":{"path":"/bin/true"}}"""));
    }

    [Fact]
    public void A_misspelt_host_name_key_gets_host_name_suggested()
    {
        Assert.Equal("unknown operation: hostname (did you mean host_name?)", Rejected("""{"hostname":"a","list_processes":{}}"""));
    }

    [Fact]
    public void Unknown_top_level_key_beside_a_valid_operation_is_rejected()
    {
        Assert.Equal("unknown operation: verbose", Rejected("""{"list_active_processes":{},"verbose":true}"""));
    }

    [Fact]
    public void Object_without_an_operation_is_a_missing_operation()
    {
        Assert.Equal(ErrorTexts.MissingOperation(), Rejected("{}"));
    }

    [Fact]
    public void Host_name_without_an_operation_is_a_missing_operation()
    {
        Assert.Equal(ErrorTexts.MissingOperation(), Rejected("""{"host_name":"node-a"}"""));
    }

    [Fact]
    public void Two_operations_are_named_in_request_order()
    {
        var error = Rejected("""{"stop_process":{"pid":1},"query_process_status":{"pid":1}}""");

        Assert.Equal(ErrorTexts.MoreThanOneOperation([Stop, Query]), error);
    }

    [Fact]
    public void All_four_operations_at_once_are_more_than_one_operation()
    {
        var error = Rejected("""
            {"list_active_processes":{},"start_process":{"path":"/bin/true"},
             "stop_process":{"pid":1},"query_process_status":{"pid":1}}
            """);

        Assert.Equal(ErrorTexts.MoreThanOneOperation([List, Start, Stop, Query]), error);
    }

    [Theory]
    [InlineData(Start, "[]")]
    [InlineData(Start, "\"/bin/true\"")]
    [InlineData(Stop, "42")]
    [InlineData(Stop, "null")]
    [InlineData(Query, "true")]
    [InlineData(Query, "[1]")]
    [InlineData(List, "null")]
    [InlineData(List, "[]")]
    [InlineData(List, "\"\"")]
    public void Operation_body_that_is_not_an_object_is_rejected(string operation, string body)
    {
        var error = Rejected($$$"""{"{{{operation}}}":{{{body}}}}""");

        Assert.Equal(ErrorTexts.WrongType(operation, "an object"), error);
    }

    [Theory]
    [InlineData(Start, """{"path":"/bin/true","command":"ls"}""", "command")]
    [InlineData(Stop, """{"pid":1,"signal":9}""", "signal")]
    [InlineData(Query, """{"pid":1,"wait":true}""", "wait")]
    [InlineData(List, """{"verbose":true}""", "verbose")]
    [InlineData(Start, """{"Path":"/bin/true"}""", "Path")]
    public void Unknown_field_inside_an_operation_is_named_with_its_path(string operation, string body, string field)
    {
        var error = Rejected($$$"""{"{{{operation}}}":{{{body}}}}""");

        Assert.Equal(ErrorTexts.UnknownField($"{operation}.{field}"), error);
    }

    // ---------------------------------------------------------------- start_process: path

    [Fact]
    public void Start_without_path_names_the_missing_field()
    {
        Assert.Equal(ErrorTexts.MissingField("start_process.path"), Rejected("""{"start_process":{"args":["x"]}}"""));
    }

    [Fact]
    public void Start_with_an_empty_body_names_the_missing_path()
    {
        Assert.Equal(ErrorTexts.MissingField("start_process.path"), Rejected("""{"start_process":{}}"""));
    }

    [Fact]
    public void Start_with_a_null_path_names_the_missing_field()
    {
        Assert.Equal(ErrorTexts.MissingField("start_process.path"), Rejected("""{"start_process":{"path":null}}"""));
    }

    [Theory]
    [InlineData("bin/ls")]
    [InlineData("./ls")]
    [InlineData("../bin/ls")]
    [InlineData("~/bin/ls")]
    [InlineData("ls")]
    [InlineData(" /bin/ls")]
    public void Start_with_a_relative_path_is_rejected(string path)
    {
        var error = Rejected(new JObject { [Start] = new JObject { ["path"] = path } }.ToString());

        Assert.Equal(ErrorTexts.PathNotAbsolute("start_process.path", path), error);
    }

    [Fact]
    public void Start_with_an_empty_path_is_rejected()
    {
        var error = Rejected("""{"start_process":{"path":""}}""");

        Assert.Equal(ErrorTexts.InvalidValue("start_process.path", "must not be empty"), error);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("""["/bin/ls"]""")]
    [InlineData("""{"value":"/bin/ls"}""")]
    public void Start_with_a_path_of_the_wrong_type_is_rejected(string value)
    {
        var error = Rejected($$$"""{"start_process":{"path":{{{value}}}}}""");

        Assert.Equal(ErrorTexts.WrongType("start_process.path", "a string"), error);
    }

    [Fact]
    public void Start_with_an_escaped_NUL_inside_the_path_is_rejected()
    {
        var error = Rejected("""{"start_process":{"path":"/bin/l\u0000s"}}""");

        Assert.Equal(ErrorTexts.InvalidValue("start_process.path", NulRule), error);
    }

    [Fact]
    public void Start_with_a_raw_NUL_inside_the_path_is_malformed()
    {
        AssertMalformed(Rejected("{\"start_process\":{\"path\":\"/bin/l\0s\"}}"));
    }

    [Fact]
    public void Start_with_a_raw_NUL_byte_inside_the_path_bytes_is_malformed()
    {
        AssertMalformed(Rejected(Encoding.UTF8.GetBytes("{\"start_process\":{\"path\":\"/bin/l\0s\"}}")));
    }

    // ---------------------------------------------------------------- start_process: args

    [Theory]
    [InlineData("\"-la /tmp\"")]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("""{"0":"-la"}""")]
    public void Start_with_args_that_are_not_an_array_is_rejected(string value)
    {
        var error = Rejected(StartWithRaw($"\"args\":{value}"));

        Assert.Equal(ErrorTexts.WrongType("start_process.args", "an array of strings"), error);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("""["nested"]""")]
    [InlineData("""{"k":"v"}""")]
    [InlineData("1.5")]
    public void Start_with_a_non_string_arg_names_its_index(string item)
    {
        var error = Rejected(StartWithRaw($"\"args\":[\"-v\",\"ok\",{item}]"));

        Assert.Equal(ErrorTexts.WrongType("start_process.args[2]", "a string"), error);
    }

    [Fact]
    public void Start_with_several_bad_args_names_the_first()
    {
        var error = Rejected(StartWithRaw("\"args\":[1,2,3]"));

        Assert.Equal(ErrorTexts.WrongType("start_process.args[0]", "a string"), error);
    }

    [Fact]
    public void Start_with_a_NUL_inside_an_arg_names_its_index()
    {
        var error = Rejected(StartWithRaw("""
            "args":["fine","bad\u0000arg"]
            """));

        Assert.Equal(ErrorTexts.InvalidValue("start_process.args[1]", NulRule), error);
    }

    // ---------------------------------------------------------------- start_process: env

    [Theory]
    [InlineData("""["A=1"]""")]
    [InlineData("\"A=1\"")]
    [InlineData("1")]
    [InlineData("true")]
    public void Start_with_env_that_is_not_an_object_is_rejected(string value)
    {
        var error = Rejected(StartWithRaw($"\"env\":{value}"));

        Assert.Equal(ErrorTexts.WrongType("start_process.env", "an object of strings"), error);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("""["x"]""")]
    [InlineData("""{"nested":"x"}""")]
    public void Start_with_a_non_string_env_value_names_the_variable(string value)
    {
        var error = Rejected(StartWithRaw($"\"env\":{{\"OK\":\"1\",\"PORT\":{value}}}"));

        Assert.Equal(ErrorTexts.WrongType("start_process.env.PORT", "a string"), error);
    }

    [Theory]
    [InlineData("A=B")]
    [InlineData("=A")]
    [InlineData("A=")]
    public void Start_with_an_equals_sign_in_an_env_name_is_rejected(string key)
    {
        var error = Rejected(StartWith("env", new JObject { [key] = "1" }));

        Assert.Equal(ErrorTexts.InvalidValue($"start_process.env.{key}", EnvNameRule), error);
    }

    [Fact]
    public void Start_with_an_empty_env_name_is_rejected()
    {
        var error = Rejected(StartWithRaw("\"env\":{\"\":\"1\"}"));

        Assert.Equal(ErrorTexts.InvalidValue("start_process.env.", EnvNameRule), error);
    }

    [Fact]
    public void Start_with_a_NUL_in_an_env_name_is_rejected()
    {
        var error = Rejected(StartWithRaw("""
            "env":{"A\u0000B":"1"}
            """));

        Assert.Equal(ErrorTexts.InvalidValue("start_process.env.A\0B", EnvNameRule), error);
    }

    [Fact]
    public void Start_with_a_NUL_in_an_env_value_names_the_variable()
    {
        var error = Rejected(StartWithRaw("""
            "env":{"A":"x\u0000y"}
            """));

        Assert.Equal(ErrorTexts.InvalidValue("start_process.env.A", NulRule), error);
    }

    // ---------------------------------------------------------------- start_process: cwd

    [Theory]
    [InlineData("tmp")]
    [InlineData("./work")]
    [InlineData("~")]
    public void Start_with_a_relative_cwd_is_rejected(string cwd)
    {
        var error = Rejected(StartWith("cwd", cwd));

        Assert.Equal(ErrorTexts.PathNotAbsolute("start_process.cwd", cwd), error);
    }

    [Fact]
    public void Start_with_an_empty_cwd_is_rejected()
    {
        var error = Rejected(StartWith("cwd", ""));

        Assert.Equal(ErrorTexts.InvalidValue("start_process.cwd", "must not be empty"), error);
    }

    [Fact]
    public void Start_with_a_cwd_of_the_wrong_type_is_rejected()
    {
        var error = Rejected(StartWith("cwd", new JArray("/tmp")));

        Assert.Equal(ErrorTexts.WrongType("start_process.cwd", "a string"), error);
    }

    [Fact]
    public void Start_with_a_NUL_inside_the_cwd_is_rejected()
    {
        var error = Rejected(StartWith("cwd", "/tmp\0/x"));

        Assert.Equal(ErrorTexts.InvalidValue("start_process.cwd", NulRule), error);
    }

    // ---------------------------------------------------------------- start_process: name

    [Fact]
    public void Start_with_an_empty_name_is_rejected()
    {
        var error = Rejected(StartWith("name", ""));

        Assert.Equal(ErrorTexts.InvalidValue("start_process.name", NameLengthRule), error);
    }

    [Fact]
    public void Start_with_a_name_longer_than_the_maximum_is_rejected()
    {
        var error = Rejected(StartWith("name", new string('n', WireParser.MaxNameLength + 1)));

        Assert.Equal(ErrorTexts.InvalidValue("start_process.name", NameLengthRule), error);
    }

    [Theory]
    [InlineData("web\n")]
    [InlineData("we\tb")]
    [InlineData("\u001bweb")]
    [InlineData("web\u007f")]
    [InlineData("web\u0085")]
    public void Start_with_control_characters_in_the_name_is_rejected(string name)
    {
        var error = Rejected(StartWith("name", name));

        Assert.Equal(ErrorTexts.InvalidValue("start_process.name", "must not contain control characters"), error);
    }

    [Fact]
    public void Start_with_a_NUL_in_the_name_is_rejected_as_NUL()
    {
        var error = Rejected(StartWith("name", "we\0b"));

        Assert.Equal(ErrorTexts.InvalidValue("start_process.name", NulRule), error);
    }

    [Fact]
    public void Start_with_a_name_of_the_wrong_type_is_rejected()
    {
        var error = Rejected(StartWith("name", 42));

        Assert.Equal(ErrorTexts.WrongType("start_process.name", "a string"), error);
    }

    // ---------------------------------------------------------------- stop / query: target

    [Theory]
    [InlineData(Stop)]
    [InlineData(Query)]
    public void Target_without_pid_or_name_is_rejected(string operation)
    {
        Assert.Equal(ErrorTexts.PidOrName(operation), Rejected($$$"""{"{{{operation}}}":{}}"""));
    }

    [Theory]
    [InlineData(Stop)]
    [InlineData(Query)]
    public void Target_with_null_pid_and_null_name_is_rejected(string operation)
    {
        Assert.Equal(ErrorTexts.PidOrName(operation), Rejected($$$"""{"{{{operation}}}":{"pid":null,"name":null}}"""));
    }

    [Fact]
    public void Stop_with_only_wait_names_the_missing_target()
    {
        Assert.Equal(ErrorTexts.PidOrName(Stop), Rejected("""{"stop_process":{"wait":true}}"""));
    }

    [Theory]
    [InlineData(Stop)]
    [InlineData(Query)]
    public void Target_with_both_pid_and_name_is_rejected(string operation)
    {
        Assert.Equal(ErrorTexts.PidOrName(operation), Rejected($$$"""{"{{{operation}}}":{"pid":12,"name":"web"}}"""));
    }

    [Theory]
    [InlineData("\"42\"")]                                    // string
    [InlineData("-1")]                                        // negative
    [InlineData("0")]                                         // zero
    [InlineData("-0")]                                        // negative zero
    [InlineData("1.5")]                                       // fraction
    [InlineData("42.0")]                                      // integral float
    [InlineData("4.2e1")]                                     // exponent
    [InlineData("1.0")]                                       // integral float
    [InlineData("1e3")]                                       // integral exponent
    [InlineData("1E0")]                                       // exponent of one
    [InlineData("2147483648")]                                // int.MaxValue + 1
    [InlineData("9223372036854775807")]                       // long.MaxValue
    [InlineData("9223372036854775808")]                       // long.MaxValue + 1
    [InlineData("-9223372036854775809")]                      // below long.MinValue
    [InlineData("1234567890123456789012345678901234567890")]  // 40 digits
    [InlineData("true")]
    [InlineData("[42]")]
    [InlineData("""{"value":42}""")]
    public void Stop_with_a_pid_that_is_not_a_positive_int_is_rejected(string pid)
    {
        var error = Rejected($$$"""{"stop_process":{"pid":{{{pid}}}}}""");

        Assert.Equal(ErrorTexts.WrongType("stop_process.pid", "a positive integer"), error);
    }

    [Theory]
    [InlineData("\"42\"")]
    [InlineData("-7")]
    [InlineData("0")]
    [InlineData("3.0")]
    [InlineData("2147483648")]
    [InlineData("1234567890123456789012345678901234567890")]
    public void Query_with_a_pid_that_is_not_a_positive_int_is_rejected(string pid)
    {
        var error = Rejected($$$"""{"query_process_status":{"pid":{{{pid}}}}}""");

        Assert.Equal(ErrorTexts.WrongType("query_process_status.pid", "a positive integer"), error);
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("1e-400")]
    public void Stop_with_a_pid_beyond_the_double_range_is_a_wrong_type(string pid)
    {
        var error = Rejected($$$"""{"stop_process":{"pid":{{{pid}}}}}""");

        Assert.Equal(ErrorTexts.WrongType("stop_process.pid", "a positive integer"), error);
    }

    [Fact]
    public void Stop_with_a_huge_pid_of_thousands_of_digits_is_a_wrong_type()
    {
        var error = Rejected($$$"""{"stop_process":{"pid":{{{new string('9', 5_000)}}}}}""");

        Assert.Equal(ErrorTexts.WrongType("stop_process.pid", "a positive integer"), error);
    }

    [Theory]
    [InlineData(Stop)]
    [InlineData(Query)]
    public void Pid_of_a_hundred_thousand_digits_is_answered_with_a_short_error(string operation)
    {
        var error = Rejected($$$"""{"{{{operation}}}":{"pid":1{{{new string('0', 99_999)}}}}}""");

        Assert.Equal(ErrorTexts.WrongType($"{operation}.pid", "a positive integer"), error);
        Assert.True(error.Length < 300, $"error of {error.Length} characters");
    }

    [Theory]
    [InlineData(Stop)]
    [InlineData(Query)]
    public void Target_with_an_empty_name_is_rejected(string operation)
    {
        var error = Rejected($$$"""{"{{{operation}}}":{"name":""}}""");

        Assert.Equal(ErrorTexts.InvalidValue($"{operation}.name", NameLengthRule), error);
    }

    [Fact]
    public void Target_with_a_name_longer_than_the_maximum_is_rejected()
    {
        var error = Rejected(new JObject { [Query] = new JObject { ["name"] = new string('q', WireParser.MaxNameLength + 1) } }.ToString());

        Assert.Equal(ErrorTexts.InvalidValue("query_process_status.name", NameLengthRule), error);
    }

    [Fact]
    public void Target_with_control_characters_in_the_name_is_rejected()
    {
        var error = Rejected("""{"stop_process":{"name":"we\u0007b"}}""");

        Assert.Equal(ErrorTexts.InvalidValue("stop_process.name", "must not contain control characters"), error);
    }

    [Fact]
    public void Target_with_a_name_of_the_wrong_type_is_rejected()
    {
        var error = Rejected("""{"query_process_status":{"name":17}}""");

        Assert.Equal(ErrorTexts.WrongType("query_process_status.name", "a string"), error);
    }

    [Theory]
    [InlineData("\"true\"")]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("[]")]
    public void Stop_with_wait_that_is_not_a_boolean_is_rejected(string wait)
    {
        var error = Rejected($$$"""{"stop_process":{"pid":1,"wait":{{{wait}}}}}""");

        Assert.Equal(ErrorTexts.WrongType("stop_process.wait", "true or false"), error);
    }
}
