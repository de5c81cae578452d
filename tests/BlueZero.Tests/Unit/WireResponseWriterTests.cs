using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>
/// The exact wire JSON of every reply. Outputs are parsed and compared field by field, so property order and
/// whitespace are free but every field, its type and its presence are fixed.
/// </summary>
public sealed class WireResponseWriterTests
{
    private const string Start = WireOperations.StartProcess;
    private const string Stop = WireOperations.StopProcess;
    private const string Query = WireOperations.QueryProcessStatus;
    private const string List = WireOperations.ListActiveProcesses;

    private static readonly DateTimeOffset StartedAt = new(2024, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);
    private const string StartedAtText = "2024-05-06T07:08:09.123Z";

    private static ProcessStatus Status(int pid, string? name, ProcessState state, ProcessExit? lastExit) =>
        new(new ProcessInfo(pid, name, "/bin/sleep", ["60"], state, 0, lastExit, StartedAt, null));

    private static JObject Written(string json)
    {
        Assert.False(string.IsNullOrWhiteSpace(json));
        return JObject.Parse(json);
    }

    private static void AssertJson(string expected, string actual)
    {
        var expectedJson = JObject.Parse(expected);
        var actualJson = Written(actual);
        Assert.True(JToken.DeepEquals(expectedJson, actualJson),
            $"expected {expectedJson.ToString(Newtonsoft.Json.Formatting.None)} but was {actualJson.ToString(Newtonsoft.Json.Formatting.None)}");
    }

    /// <summary>The reply body under the operation key, checked to be the only other key.</summary>
    private static JObject NodeBody(string json, string operation)
    {
        var root = Written(json);
        Assert.Equal([operation], root.Properties().Select(p => p.Name));
        return Assert.IsType<JObject>(root[operation]);
    }

    // ---------------------------------------------------------------- one node's reply

    [Fact]
    public void A_started_reply_carries_success_and_pid()
    {
        AssertJson("""{"start_process":{"success":true,"pid":42}}""",
            OperationReply.Of(Start, new ProcessStarted(42)));
    }

    [Fact]
    public void Stopped_without_waiting_carries_no_exit_fields()
    {
        var json = OperationReply.Of(Stop, new ProcessStopped(42, null));

        AssertJson("""{"stop_process":{"success":true,"pid":42}}""", json);
        var body = NodeBody(json, Stop);
        Assert.False(body.ContainsKey("exit_code"));
        Assert.False(body.ContainsKey("signal"));
    }

    [Fact]
    public void Stopped_after_waiting_for_a_normal_exit_carries_exit_code_but_no_signal()
    {
        var json = OperationReply.Of(Stop, new ProcessStopped(42, ProcessExit.Exited(3)));

        AssertJson("""{"stop_process":{"success":true,"pid":42,"exit_code":3}}""", json);
        Assert.False(NodeBody(json, Stop).ContainsKey("signal"));
    }

    [Fact]
    public void Stopped_after_waiting_for_a_signal_carries_exit_code_and_signal()
    {
        AssertJson("""{"stop_process":{"success":true,"pid":42,"exit_code":137,"signal":9}}""",
            OperationReply.Of(Stop, new ProcessStopped(42, ProcessExit.Killed(9))));
    }

    [Fact]
    public void Unobservable_exit_code_is_sent_as_null_not_omitted()
    {
        var json = OperationReply.Of(Stop, new ProcessStopped(42, new ProcessExit(null, null)));

        var body = NodeBody(json, Stop);
        Assert.True(body.ContainsKey("exit_code"));
        Assert.Equal(JTokenType.Null, body["exit_code"]!.Type);
        Assert.True((bool?)body["exit_code_unknown"]);
        Assert.False(body.ContainsKey("signal"));
    }

    [Fact]
    public void Running_status_carries_no_exit_fields()
    {
        var json = OperationReply.Of(Query, Status(7, null, ProcessState.Running, null));

        AssertJson($$$"""
            {"query_process_status":{"success":true,"pid":7,"name":null,"path":"/bin/sleep","args":["60"],
            "state":"running","restarts":0,"started_at":"{{{StartedAtText}}}","running":true}}
            """, json);
        var body = NodeBody(json, Query);
        Assert.False(body.ContainsKey("exit_code"));
        Assert.False(body.ContainsKey("signal"));
        Assert.False(body.ContainsKey("last_exit_code"));
        Assert.Equal(JTokenType.Null, body["name"]!.Type);
    }

    [Fact]
    public void Status_of_a_named_process_carries_its_name()
    {
        AssertJson($$$"""
            {"query_process_status":{"success":true,"pid":7,"name":"web","path":"/bin/sleep","args":["60"],
            "state":"running","restarts":0,"started_at":"{{{StartedAtText}}}","running":true}}
            """,
            OperationReply.Of(Query, Status(7, "web", ProcessState.Running, null)));
    }

    [Fact]
    public void Exited_status_carries_running_false_and_exit_code_but_no_signal()
    {
        var json = OperationReply.Of(Query, Status(7, null, ProcessState.Exited, ProcessExit.Exited(0)));

        AssertJson($$$"""
            {"query_process_status":{"success":true,"pid":7,"name":null,"path":"/bin/sleep","args":["60"],
            "state":"exited","restarts":0,"started_at":"{{{StartedAtText}}}","last_exit_code":0,"running":false,"exit_code":0}}
            """, json);
        Assert.False(NodeBody(json, Query).ContainsKey("signal"));
        Assert.False(NodeBody(json, Query).ContainsKey("last_signal"));
    }

    [Fact]
    public void Killed_status_carries_exit_code_and_signal()
    {
        AssertJson($$$"""
            {"query_process_status":{"success":true,"pid":7,"name":null,"path":"/bin/sleep","args":["60"],
            "state":"stopped","restarts":0,"started_at":"{{{StartedAtText}}}","last_exit_code":143,"last_signal":15,
            "running":false,"exit_code":143,"signal":15}}
            """,
            OperationReply.Of(Query, Status(7, null, ProcessState.Stopped, ProcessExit.Killed(15))));
    }

    [Fact]
    public void Active_processes_lists_pids_in_the_given_order()
    {
        AssertJson("""{"list_active_processes":{"success":true,"pids":[3,17,4242]}}""",
            OperationReply.Of(List, new ActiveProcesses([3, 17, 4242])));
    }

    [Fact]
    public void No_active_processes_is_an_empty_pid_array()
    {
        AssertJson("""{"list_active_processes":{"success":true,"pids":[]}}""",
            OperationReply.Of(List, new ActiveProcesses([])));
    }

    [Fact]
    public void A_command_failure_carries_the_error_message()
    {
        AssertJson("""{"stop_process":{"success":false,"error_message":"PID 5 is not managed by this process manager (node-a)"}}""",
            OperationReply.Of(Stop, NodeErrors.NotManaged(ProcessTarget.ByPid(5), "node-a")));
    }

    [Fact]
    public void Command_failure_keeps_quotes_newlines_and_unicode_in_the_message()
    {
        const string message = "cannot start \"/opt/ünï\":\nno such file ☃";

        var body = NodeBody(OperationReply.Of(Start, NodeErrors.LaunchFailed(message)), Start);

        Assert.Equal(message, (string?)body["error_message"]);
    }

    // ---------------------------------------------------------------- hub form

    [Fact]
    public void Started_in_hub_form_wraps_the_node_reply()
    {
        AssertJson("""{"success":true,"start_process":{"success":true,"pid":42}}""",
            WireResponseWriter.HubForm(Start, new ProcessStarted(42)));
    }

    [Fact]
    public void Stopped_in_hub_form_wraps_exit_fields()
    {
        AssertJson("""{"success":true,"stop_process":{"success":true,"pid":9,"exit_code":130,"signal":2}}""",
            WireResponseWriter.HubForm(Stop, new ProcessStopped(9, ProcessExit.Killed(2))));
    }

    [Fact]
    public void Status_in_hub_form_wraps_the_node_reply()
    {
        AssertJson($$$"""
            {"success":true,"query_process_status":{"success":true,"pid":7,"name":null,"path":"/bin/sleep","args":["60"],
            "state":"failed","restarts":0,"started_at":"{{{StartedAtText}}}","last_exit_code":1,"running":false,"exit_code":1}}
            """,
            WireResponseWriter.HubForm(Query, Status(7, null, ProcessState.Failed, ProcessExit.Exited(1))));
    }

    [Fact]
    public void Active_processes_in_hub_form_wraps_the_node_reply()
    {
        AssertJson("""{"success":true,"list_active_processes":{"success":true,"pids":[1,2]}}""",
            WireResponseWriter.HubForm(List, new ActiveProcesses([1, 2])));
    }

    [Fact]
    public void Node_failure_in_hub_form_is_a_successful_delivery_of_a_failed_reply()
    {
        AssertJson("""{"success":true,"query_process_status":{"success":false,"error_message":"no such pid"}}""",
            WireResponseWriter.HubForm(Query, NodeErrors.NoSuchPid()));
    }

    [Fact]
    public void Reply_without_a_wire_form_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OperationReply.Of(Start, new UnknownReply()));
    }

    private sealed record UnknownReply : INodeReply;

    // ---------------------------------------------------------------- error form

    [Theory]
    [InlineData(ErrorTexts.UnknownHost)]
    [InlineData(ErrorTexts.HostUnreachable)]
    [InlineData(ErrorTexts.Timeout)]
    [InlineData(ErrorTexts.EmptyRequest)]
    public void Error_carries_success_false_and_the_message(string message)
    {
        var json = Written(WireResponseWriter.Error(message));

        Assert.True(JToken.DeepEquals(new JObject { ["success"] = false, ["error_message"] = message }, json), json.ToString());
    }

    [Fact]
    public void Error_of_a_known_operation_also_appears_under_the_operation_key_in_BlueZero_form()
    {
        const string message = "wrong type for field start_process.path: expected a string";

        Assert.Equal("""{"success":false,"error_message":"wrong type for field start_process.path: expected a string","start_process":{"success":false,"error_message":"wrong type for field start_process.path: expected a string"}}""",
            WireResponseWriter.Error(message, Start));
    }

    [Fact]
    public void Strings_keep_the_escaping_the_wire_always_had_and_non_ASCII_text_as_it_is()
    {
        var message = "q\"b\\n\n\u001be\u0085\u2028\u007f ünï 😀 <a href='x'>&</a>";

        Assert.Equal("""{"success":false,"error_message":"q\"b\\n\n\u001be\u0085\u2028 ünï 😀 <a href='x'>&</a>"}""",
            WireResponseWriter.Error(message));
    }

    [Fact]
    public void Whole_numbers_held_as_doubles_keep_their_decimal_point()
    {
        var stats = new ProcessStats(7, "web", ProcessState.Running, null, 5, []);

        Assert.Equal("""{"success":true,"process_stats":{"success":true,"pid":7,"name":"web","state":"running","stats_interval_s":5.0,"history":[]}}""",
            WireResponseWriter.HubForm(WireOperations.ProcessStats, stats));
    }

    [Fact]
    public void Error_with_quotes_and_control_characters_survives_as_valid_json()
    {
        var message = ErrorTexts.MalformedJson("bad \"quote\" \\ and \0 and \n");

        var json = Written(WireResponseWriter.Error(message));

        Assert.Equal(message, (string?)json["error_message"]);
    }

    // ---------------------------------------------------------------- cluster listing

    [Fact]
    public void Cluster_listing_names_each_host_with_its_pids_or_its_error()
    {
        var json = WireResponseWriter.ClusterWide(List,
        [
            new HostReply("node-a", new ActiveProcesses([1, 2, 3]), null),
            new HostReply("node-b", null, ErrorTexts.HostUnreachable),
            new HostReply("node-c", new ActiveProcesses([]), null),
        ]);

        AssertJson("""
            {"success":true,"list_active_processes":{"hosts":[
                {"host_name":"node-a","pids":[1,2,3]},
                {"host_name":"node-b","error_message":"host unreachable"},
                {"host_name":"node-c","pids":[]}]}}
            """, json);
    }

    [Fact]
    public void Cluster_listing_host_with_pids_has_no_error_message()
    {
        var host = ListedHosts(WireResponseWriter.ClusterWide(List, [new HostReply("node-a", new ActiveProcesses([5]), null)])).Single();

        Assert.True(host.ContainsKey("pids"));
        Assert.False(host.ContainsKey("error_message"));
        Assert.False(host.ContainsKey("success"));
    }

    [Fact]
    public void Cluster_listing_host_with_an_error_has_no_pids()
    {
        var host = ListedHosts(WireResponseWriter.ClusterWide(List, [new HostReply("node-b", null, ErrorTexts.Timeout)])).Single();

        Assert.False(host.ContainsKey("pids"));
        Assert.Equal(ErrorTexts.Timeout, (string?)host["error_message"]);
    }

    [Fact]
    public void Cluster_listing_host_whose_node_failed_the_command_carries_the_node_error()
    {
        var host = ListedHosts(WireResponseWriter.ClusterWide(List,
            [new HostReply("node-b", NodeErrors.ShuttingDown(), null)])).Single();

        Assert.False(host.ContainsKey("pids"));
        Assert.False(host.ContainsKey("success"));
        Assert.Equal(ErrorTexts.ShuttingDown, (string?)host["error_message"]);
    }

    [Fact]
    public void Cluster_listing_of_no_hosts_is_an_empty_host_array()
    {
        AssertJson("""{"success":true,"list_active_processes":{"hosts":[]}}""", WireResponseWriter.ClusterWide(List, []));
    }

    private static IReadOnlyList<JObject> ListedHosts(string json) =>
        Written(json)[List]!["hosts"]!.Children<JObject>().ToList();

    // ---------------------------------------------------------------- hosts listing

    [Fact]
    public void Hosts_listing_carries_name_address_status_since_and_process_count()
    {
        var json = WireResponseWriter.Hosts(
        [
            new HostSummary("node-a", "akka.tcp://bluezero@10.0.0.1:4053", "up", Since, 3, 12.345, 40.06),
            new HostSummary("node-b", "akka.tcp://bluezero@10.0.0.2:4053", "unreachable", Since, null),
        ]);

        AssertJson("""
            {"hosts":[
                {"host_name":"node-a","address":"akka.tcp://bluezero@10.0.0.1:4053","status":"up","since":"2026-12-06T10:00:00.250Z","processes":3,"cpu_percent":12.3,"memory_percent":40.1},
                {"host_name":"node-b","address":"akka.tcp://bluezero@10.0.0.2:4053","status":"unreachable","since":"2026-12-06T10:00:00.250Z","processes":null,"cpu_percent":null,"memory_percent":null}]}
            """, json);
    }

    private static readonly DateTimeOffset Since = new(2026, 12, 6, 11, 0, 0, 250, TimeSpan.FromHours(1));

    [Fact]
    public void Forgotten_host_reply_names_the_host_and_the_status_it_had() =>
        AssertJson("""{"success":true,"forget_host":{"host_name":"node-b","status":"left"}}""",
            WireResponseWriter.HostForgotten("node-b", "left"));

    [Fact]
    public void Hosts_listing_sends_an_unknown_process_count_as_null_not_omitted()
    {
        var host = Written(WireResponseWriter.Hosts([new HostSummary("node-b", "addr", "unreachable", Since, null)]))["hosts"]![0]!;

        Assert.Equal(JTokenType.Null, host["processes"]!.Type);
    }

    [Fact]
    public void Hosts_listing_of_no_hosts_is_an_empty_array()
    {
        AssertJson("""{"hosts":[]}""", WireResponseWriter.Hosts([]));
    }
}
