using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>
/// The wire JSON of the supervision replies: the full entry in query_process_status and list_processes, unschedule,
/// kill_all, and the cluster-wide form of list_processes and kill_all. Compared field by field.
/// </summary>
public sealed class WireResponseWriterSupervisionTests
{
    private const string Query = WireOperations.QueryProcessStatus;
    private const string ListAll = WireOperations.ListProcesses;
    private const string KillAll = WireOperations.KillAll;
    private const string Unschedule = WireOperations.Unschedule;

    private static readonly DateTimeOffset StartedAt = new(2024, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);
    private const string StartedAtText = "2024-05-06T07:08:09.123Z";
    private static readonly DateTimeOffset NextRunAt = new(2024, 5, 6, 7, 8, 11, 623, TimeSpan.Zero);
    private const string NextRunAtText = "2024-05-06T07:08:11.623Z";

    private static ProcessInfo Info(ProcessState state, ProcessExit? lastExit = null, DateTimeOffset? next = null, int restarts = 0,
        int? pid = 4242, string? name = "web") =>
        new(pid, name, "/usr/bin/web", ["--port", "80"], state, restarts, lastExit, StartedAt, next);

    /// <summary>Parses without turning ISO-8601 strings into dates, so timestamps are checked exactly as sent.</summary>
    private static JObject Parse(string json)
    {
        using var reader = new Newtonsoft.Json.JsonTextReader(new StringReader(json)) { DateParseHandling = Newtonsoft.Json.DateParseHandling.None };
        return JObject.Load(reader);
    }

    private static JObject Body(string json, string operation)
    {
        var root = Parse(json);
        Assert.Equal([operation], root.Properties().Select(p => p.Name));
        return Assert.IsType<JObject>(root[operation]);
    }

    private static void AssertJson(string expected, string actual)
    {
        var expectedJson = Parse(expected);
        var actualJson = Parse(actual);
        Assert.True(JToken.DeepEquals(expectedJson, actualJson),
            $"expected {expectedJson.ToString(Newtonsoft.Json.Formatting.None)} but was {actualJson.ToString(Newtonsoft.Json.Formatting.None)}");
    }

    // ---------------------------------------------------------------- query_process_status

    [Fact]
    public void Query_of_a_running_entry_carries_state_restarts_started_at_and_the_BlueZero_fields()
    {
        AssertJson($$$"""
            {"query_process_status":{"success":true,"pid":4242,"name":"web","path":"/usr/bin/web","args":["--port","80"],
            "state":"running","restarts":0,"started_at":"{{{StartedAtText}}}","running":true}}
            """,
            OperationReply.Of(Query, new ProcessStatus(Info(ProcessState.Running))));
    }

    [Fact]
    public void Query_of_a_restarted_running_entry_carries_how_the_last_run_ended_but_no_exit_code()
    {
        var json = OperationReply.Of(Query, new ProcessStatus(Info(ProcessState.Running, ProcessExit.Exited(1), restarts: 3)));

        AssertJson($$$"""
            {"query_process_status":{"success":true,"pid":4242,"name":"web","path":"/usr/bin/web","args":["--port","80"],
            "state":"running","restarts":3,"started_at":"{{{StartedAtText}}}","last_exit_code":1,"running":true}}
            """, json);
        Assert.False(Body(json, Query).ContainsKey("exit_code"));
    }

    [Fact]
    public void Query_of_a_stopping_entry_is_still_running()
    {
        var body = Body(OperationReply.Of(Query, new ProcessStatus(Info(ProcessState.Stopping))), Query);

        Assert.Equal("stopping", (string?)body["state"]);
        Assert.True((bool?)body["running"]);
        Assert.False(body.ContainsKey("exit_code"));
    }

    [Fact]
    public void Query_of_a_backing_off_entry_carries_next_restart_at_and_the_last_exit()
    {
        var json = OperationReply.Of(Query, new ProcessStatus(Info(ProcessState.BackingOff, ProcessExit.Exited(2), NextRunAt, 1)));

        AssertJson($$$"""
            {"query_process_status":{"success":true,"pid":4242,"name":"web","path":"/usr/bin/web","args":["--port","80"],
            "state":"backing_off","restarts":1,"started_at":"{{{StartedAtText}}}","last_exit_code":2,
            "next_restart_at":"{{{NextRunAtText}}}","running":false,"exit_code":2}}
            """, json);
    }

    [Fact]
    public void Query_of_a_scheduled_job_carries_next_restart_at()
    {
        var body = Body(OperationReply.Of(Query, new ProcessStatus(Info(ProcessState.Scheduled, ProcessExit.Exited(0), NextRunAt))), Query);

        Assert.Equal("scheduled", (string?)body["state"]);
        Assert.Equal(NextRunAtText, (string?)body["next_restart_at"]);
        Assert.False((bool?)body["running"]);
    }

    [Theory]
    [InlineData(ProcessState.Running)]
    [InlineData(ProcessState.Exited)]
    [InlineData(ProcessState.Failed)]
    [InlineData(ProcessState.Stopped)]
    [InlineData(ProcessState.TimedOut)]
    public void Next_restart_at_is_absent_in_states_that_wait_for_no_run(ProcessState state)
    {
        // ManagedEntry.ToInfo clears NextRunAt outside backing_off and scheduled; the writer prints only what it gets.
        var body = Body(OperationReply.Of(Query, new ProcessStatus(Info(state, ProcessExit.Exited(0)))), Query);

        Assert.False(body.ContainsKey("next_restart_at"));
    }

    [Fact]
    public void Query_of_a_failed_entry_carries_the_last_exit_twice()
    {
        AssertJson($$$"""
            {"query_process_status":{"success":true,"pid":4242,"name":"web","path":"/usr/bin/web","args":["--port","80"],
            "state":"failed","restarts":5,"started_at":"{{{StartedAtText}}}","last_exit_code":1,"running":false,"exit_code":1}}
            """,
            OperationReply.Of(Query, new ProcessStatus(Info(ProcessState.Failed, ProcessExit.Exited(1), restarts: 5))));
    }

    [Fact]
    public void Query_of_an_entry_ended_by_a_signal_carries_last_signal_and_signal()
    {
        AssertJson($$$"""
            {"query_process_status":{"success":true,"pid":4242,"name":"web","path":"/usr/bin/web","args":["--port","80"],
            "state":"timed_out","restarts":0,"started_at":"{{{StartedAtText}}}","last_exit_code":130,"last_signal":2,
            "running":false,"exit_code":130,"signal":2}}
            """,
            OperationReply.Of(Query, new ProcessStatus(Info(ProcessState.TimedOut, ProcessExit.Killed(2)))));
    }

    [Fact]
    public void Query_of_a_lost_entry_sends_the_unknown_exit_code_as_null_with_a_flag()
    {
        AssertJson($$$"""
            {"query_process_status":{"success":true,"pid":4242,"name":"web","path":"/usr/bin/web","args":["--port","80"],
            "state":"lost","restarts":0,"started_at":"{{{StartedAtText}}}","last_exit_code":null,"last_exit_code_unknown":true,
            "running":false,"exit_code":null,"exit_code_unknown":true}}
            """,
            OperationReply.Of(Query, new ProcessStatus(Info(ProcessState.Lost, ProcessExit.Unknown))));
    }

    [Fact]
    public void Known_exit_code_carries_no_unknown_flag()
    {
        var body = Body(OperationReply.Of(Query, new ProcessStatus(Info(ProcessState.Exited, ProcessExit.Exited(0)))), Query);

        Assert.False(body.ContainsKey("exit_code_unknown"));
        Assert.False(body.ContainsKey("last_exit_code_unknown"));
    }

    [Fact]
    public void Entry_without_a_pid_or_a_name_sends_both_as_null()
    {
        var body = Body(OperationReply.Of(Query, new ProcessStatus(Info(ProcessState.Running, pid: null, name: null))), Query);

        Assert.Equal(JTokenType.Null, body["pid"]!.Type);
        Assert.Equal(JTokenType.Null, body["name"]!.Type);
    }

    [Fact]
    public void Started_at_is_iso_8601_utc_with_milliseconds_and_a_Z_whatever_the_offset()
    {
        var local = new ProcessInfo(1, null, "/bin/true", [], ProcessState.BackingOff, 0, ProcessExit.Exited(1),
            new DateTimeOffset(2024, 12, 31, 23, 30, 0, 5, TimeSpan.FromHours(-5)),
            new DateTimeOffset(2025, 1, 1, 6, 0, 0, 0, TimeSpan.FromHours(2)));

        var body = Body(OperationReply.Of(Query, new ProcessStatus(local)), Query);

        Assert.Equal(JTokenType.String, body["started_at"]!.Type);
        Assert.Equal("2025-01-01T04:30:00.005Z", (string?)body["started_at"]);
        Assert.Equal("2025-01-01T04:00:00.000Z", (string?)body["next_restart_at"]);
    }

    [Fact]
    public void Query_in_hub_form_wraps_the_entry()
    {
        var json = JObject.Parse(WireResponseWriter.HubForm(Query, new ProcessStatus(Info(ProcessState.Running))));

        Assert.True((bool?)json["success"]);
        Assert.Equal("running", (string?)json[Query]!["state"]);
        Assert.True((bool?)json[Query]!["success"]);
    }

    // ---------------------------------------------------------------- list_processes

    [Fact]
    public void List_processes_carries_every_entry_without_the_BlueZero_query_fields()
    {
        var json = OperationReply.Of(ListAll, new ProcessList(
        [
            Info(ProcessState.Running),
            Info(ProcessState.BackingOff, ProcessExit.Killed(9), NextRunAt, 2, pid: 17, name: "worker"),
            Info(ProcessState.Lost, ProcessExit.Unknown, pid: 99, name: null),
        ]));

        AssertJson($$$"""
            {"list_processes":{"success":true,"processes":[
              {"pid":4242,"name":"web","path":"/usr/bin/web","args":["--port","80"],"state":"running","restarts":0,
               "started_at":"{{{StartedAtText}}}"},
              {"pid":17,"name":"worker","path":"/usr/bin/web","args":["--port","80"],"state":"backing_off","restarts":2,
               "started_at":"{{{StartedAtText}}}","last_exit_code":137,"last_signal":9,"next_restart_at":"{{{NextRunAtText}}}"},
              {"pid":99,"name":null,"path":"/usr/bin/web","args":["--port","80"],"state":"lost","restarts":0,
               "started_at":"{{{StartedAtText}}}","last_exit_code":null,"last_exit_code_unknown":true}]}}
            """, json);
    }

    [Fact]
    public void List_processes_of_no_entries_is_an_empty_array()
    {
        AssertJson("""{"list_processes":{"success":true,"processes":[]}}""", OperationReply.Of(ListAll, new ProcessList([])));
    }

    [Fact]
    public void List_processes_keeps_the_given_order()
    {
        var body = Body(OperationReply.Of(ListAll, new ProcessList(
            [Info(ProcessState.Exited, pid: 30), Info(ProcessState.Running, pid: 10), Info(ProcessState.Stopped, pid: 20)])), ListAll);

        Assert.Equal([30, 10, 20], body["processes"]!.Select(p => (int)p["pid"]!));
    }

    // ---------------------------------------------------------------- unschedule and kill_all

    [Fact]
    public void Unscheduled_carries_the_name_of_the_job()
    {
        AssertJson("""{"unschedule":{"success":true,"name":"nightly"}}""",
            OperationReply.Of(Unschedule, new Unscheduled("nightly")));
    }

    [Fact]
    public void Unscheduled_of_an_unnamed_job_carries_only_success()
    {
        AssertJson("""{"unschedule":{"success":true}}""", OperationReply.Of(Unschedule, new Unscheduled(null)));
    }

    [Fact]
    public void Unschedule_of_a_job_that_is_not_recurring_is_a_failed_reply()
    {
        AssertJson("""{"success":true,"unschedule":{"success":false,"error_message":"name web is not a recurring job"}}""",
            WireResponseWriter.HubForm(Unschedule, NodeErrors.NotRecurring(ProcessTarget.ByName("web"))));
    }

    [Fact]
    public void Kill_all_carries_the_pids_that_were_running()
    {
        AssertJson("""{"kill_all":{"success":true,"pids":[3,17]}}""", OperationReply.Of(KillAll, new AllKilled([3, 17])));
    }

    [Fact]
    public void Kill_all_with_nothing_running_is_an_empty_pid_array()
    {
        AssertJson("""{"success":true,"kill_all":{"success":true,"pids":[]}}""", WireResponseWriter.HubForm(KillAll, new AllKilled([])));
    }

    // ---------------------------------------------------------------- cluster-wide

    [Fact]
    public void Cluster_wide_list_processes_names_each_host_with_its_entries_or_its_error()
    {
        var json = WireResponseWriter.ClusterWide(ListAll,
        [
            new HostReply("node-a", new ProcessList([Info(ProcessState.Running)]), null),
            new HostReply("node-b", null, ErrorTexts.HostUnreachable),
            new HostReply("node-c", new ProcessList([]), null),
        ]);

        AssertJson($$$"""
            {"success":true,"list_processes":{"hosts":[
              {"host_name":"node-a","processes":[{"pid":4242,"name":"web","path":"/usr/bin/web","args":["--port","80"],
                "state":"running","restarts":0,"started_at":"{{{StartedAtText}}}"}]},
              {"host_name":"node-b","error_message":"host unreachable"},
              {"host_name":"node-c","processes":[]}]}}
            """, json);
    }

    [Fact]
    public void Cluster_wide_kill_all_names_each_host_with_its_killed_pids_or_its_error()
    {
        var json = WireResponseWriter.ClusterWide(KillAll,
        [
            new HostReply("node-a", new AllKilled([5, 6]), null),
            new HostReply("node-b", null, ErrorTexts.Timeout),
            new HostReply("node-c", NodeErrors.ShuttingDown(), null),
        ]);

        AssertJson("""
            {"success":true,"kill_all":{"hosts":[
              {"host_name":"node-a","pids":[5,6]},
              {"host_name":"node-b","error_message":"timeout"},
              {"host_name":"node-c","error_message":"node is shutting down"}]}}
            """, json);
    }

    [Fact]
    public void Cluster_wide_host_entries_never_carry_an_inner_success()
    {
        var hosts = JObject.Parse(WireResponseWriter.ClusterWide(KillAll,
            [new HostReply("node-a", new AllKilled([1]), null), new HostReply("node-b", new CommandFailed(ErrorCode.NodeFailure, "x"), null)]))[KillAll]!["hosts"]!;

        Assert.All(hosts.Children<JObject>(), host => Assert.False(host.ContainsKey("success")));
    }

    [Fact]
    public void Cluster_wide_of_no_hosts_is_an_empty_host_array()
    {
        AssertJson("""{"success":true,"kill_all":{"hosts":[]}}""", WireResponseWriter.ClusterWide(KillAll, []));
    }
}
