using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.Unit;

/// <summary>
/// The serializer of the internal protocol: every registered message survives a round trip, and nothing a peer
/// sends can make it resolve or create a type outside <see cref="BlueZeroSerializer.Manifests"/>.
/// </summary>
public sealed class BlueZeroSerializerTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly BlueZeroSerializer _serializer;
    private readonly IReadOnlyDictionary<string, object> _samples;

    public BlueZeroSerializerTests(ITestOutputHelper output)
        : base((Config?)null, nameof(BlueZeroSerializerTests), output)
    {
        _serializer = new BlueZeroSerializer((ExtendedActorSystem)Sys);
        _samples = new Dictionary<string, object>
        {
            ["start"] = new StartProcess("/usr/bin/env", ["a b", "\"q\"", "ünï 🚀", ""],
                new Dictionary<string, string> { ["A"] = "1", ["B"] = "x=y" }, "/srv", "web",
                new RestartPolicy(RestartPolicyKind.OnFailure, 5, new BackoffSettings(250, 8000, 1.5, 0.2), 30, [0, 3]),
                MaxTimeS: 12.5, Output: OutputMode.Capture, Stdin: "line one\nline two\n"),
            ["stop"] = new StopProcess(ProcessTarget.ByPid(4242), Wait: true),
            ["restart"] = new RestartProcess(ProcessTarget.ByName("web")),
            ["query"] = new QueryProcessStatus(ProcessTarget.ByName("web")),
            ["list"] = new ListActiveProcesses(),
            ["list-all"] = new ListProcesses(),
            ["unschedule"] = new Unschedule(ProcessTarget.ByName("nightly")),
            ["kill-all"] = new KillAll(),
            ["started"] = new ProcessStarted(4242),
            ["stopped"] = new ProcessStopped(4242, ProcessExit.Killed(9)),
            ["restarted"] = new ProcessRestarted(4250, 4242, ProcessExit.Killed(2)),
            ["status"] = new ProcessStatus(SampleInfo),
            ["active"] = new ActiveProcesses([1, 17, 4242]),
            ["processes"] = new ProcessList([SampleInfo,
                new ProcessInfo(null, "nightly", "/usr/bin/backup", [], ProcessState.Scheduled, 3, new ProcessExit(null, null),
                    SampleTime, SampleTime.AddMinutes(5)),
                SampleInfo with { State = ProcessState.Running, Usage = new ResourceUsage(12.5, 4096000, 3, 2, 61.5) }]),
            ["unscheduled"] = new Unscheduled("nightly"),
            ["killed"] = new AllKilled([17, 4242]),
            ["failed"] = new CommandFailed(ErrorCode.NotManaged, "PID 5 is not managed by this process manager (node-a)"),
            ["read-output"] = new ReadOutput(ProcessTarget.ByName("web"), OutputStreams.Stderr, 10, 42, 5000),
            ["output"] = new OutputRead(4242, [new OutputLine(43, OutputStreams.Stdout, SampleTime, "ünï 🚀 \"quoted\""),
                new OutputLine(44, OutputStreams.Stderr, SampleTime, "")], 44, 7, false, true, ProcessExit.Exited(3)),
            ["stats-query"] = new ProcessStatsQuery(ProcessTarget.ByPid(4242)),
            ["stats"] = new ProcessStats(4242, "web", ProcessState.Running, new ResourceUsage(99.5, 1 << 20, 4, 1, 3.25), 5,
                [new StatsSample(SampleTime, 98.0, 1 << 20, 4), new StatsSample(SampleTime.AddSeconds(5), 99.5, 1 << 20, 4)]),
            ["node-state-query"] = new NodeStateQuery(),
            ["node-state"] = new NodeState("node-a", new ResourceUsage(1.5, 80_000_000, 30, 1, 3600), 12, 10,
                new ResourceUsage(10, 40_000_000, 20, 15, 0), 23.5, 41.25, EventsPending: 3),
            ["host-info-query"] = new HostInfoQuery(),
            ["host-info"] = new HostInfo(new CpuFacts("Test CPU @ 2.0GHz", 2, 12.5, [10.0, 15.0]), new MemoryFacts(8L << 30, 6L << 30, 25),
                [new DiskFacts("/", "/dev/vda1", "ext4", 100L << 30, 40L << 30, 60)],
                [new NicFacts("lo", "00:00:00:00:00:00", ["127.0.0.1", "::1"], true)],
                new OsFacts("6.1.0", "Debian GNU/Linux 12 (bookworm)", "lab-1", 12345.5),
                new NodeFacts("node-a", "0.4.0", SampleTime, 12)),
            ["register"] = new RegisterNode("node-a", TestActor),
            ["registered"] = new NodeRegistered("node-a"),
            ["refused"] = new NodeRegistrationRefused("node-a", "host_name already registered by another node"),
            ["rejoin"] = new RejoinRequired("node-a", "not a member of the hub's cluster"),
            ["event-batch"] = new EventBatch("node-a", "j-1", [
                new JournaledEvent(1, new MeshEvent(MeshEventType.ProcessStarted, DateTimeOffset.Parse("2026-12-06T03:00:00.123Z"),
                    "node-a", Pid: 42, Name: "web", Path: "/bin/sleep", Args: ["30"])),
                new JournaledEvent(2, new MeshEvent(MeshEventType.ProcessExited, DateTimeOffset.Parse("2026-12-06T03:00:01.456Z"),
                    "node-a", Pid: 42, Name: "web", ExitCode: 137, Signal: 9, Reason: ExitReason.Killed)),
            ]),
            ["events-stored"] = new EventsStored("node-a", "j-1", 2),
            ["check-tcp"] = new CheckTcp("127.0.0.1", 1883, 1000),
            ["tcp-checked"] = new TcpChecked(false, "Connection refused"),
        };
    }

    private static readonly DateTimeOffset SampleTime = new(2024, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);

    private static readonly ProcessInfo SampleInfo = new(4242, "web", "/usr/bin/env", ["a b", "ünï"], ProcessState.BackingOff, 2,
        ProcessExit.Exited(3), SampleTime, SampleTime.AddSeconds(2));

    public static IEnumerable<object[]> ManifestKeys =>
        BlueZeroSerializer.Manifests.Keys.Select(key => new object[] { key });

    private object RoundTrip(object message) =>
        _serializer.FromBinary(_serializer.ToBinary(message), _serializer.Manifest(message));

    /// <summary>Record equality, except that collections inside are compared element by element.</summary>
    private static void AssertSameMessage(object expected, object actual)
    {
        Assert.IsType(expected.GetType(), actual);
        switch (expected, actual)
        {
            case (StartProcess e, StartProcess a):
                Assert.Equal(e.Path, a.Path);
                Assert.Equal(e.Args, a.Args);
                if (e.Env is null) Assert.Null(a.Env);
                else Assert.Equal(e.Env.OrderBy(p => p.Key, StringComparer.Ordinal), a.Env!.OrderBy(p => p.Key, StringComparer.Ordinal));
                Assert.Equal(e.Cwd, a.Cwd);
                Assert.Equal(e.Name, a.Name);
                Assert.Equal(e.MaxTimeS, a.MaxTimeS);
                Assert.Equal(e.RecurringPeriodS, a.RecurringPeriodS);
                Assert.Equal(e.Output, a.Output);
                Assert.Equal(e.Stdin, a.Stdin);
                if (e.Restart is null) Assert.Null(a.Restart);
                else
                {
                    Assert.NotNull(a.Restart);
                    Assert.Equal(e.Restart with { SuccessExitCodes = [] }, a.Restart with { SuccessExitCodes = [] });
                    Assert.Equal(e.Restart.SuccessExitCodes, a.Restart.SuccessExitCodes);
                }
                break;
            case (OutputRead or ProcessStats or HostInfo or EventBatch, _):
                // Records holding lists: compare what they carry, element by element.
                Assert.Equal(Newtonsoft.Json.JsonConvert.SerializeObject(expected), Newtonsoft.Json.JsonConvert.SerializeObject(actual));
                break;
            case (ActiveProcesses e, ActiveProcesses a):
                Assert.Equal(e.Pids, a.Pids);
                break;
            case (AllKilled e, AllKilled a):
                Assert.Equal(e.Pids, a.Pids);
                break;
            case (ProcessStatus e, ProcessStatus a):
                AssertSameInfo(e.Info, a.Info);
                break;
            case (ProcessList e, ProcessList a):
                Assert.Equal(e.Processes.Count, a.Processes.Count);
                foreach (var (ei, ai) in e.Processes.Zip(a.Processes)) AssertSameInfo(ei, ai);
                break;
            default:
                Assert.Equal(expected, actual);
                break;
        }
    }

    private static void AssertSameInfo(ProcessInfo expected, ProcessInfo actual)
    {
        Assert.Equal(expected.Args, actual.Args);
        Assert.Equal(expected with { Args = [] }, actual with { Args = [] });
        Assert.Equal(expected.StartedAt.Offset, actual.StartedAt.Offset);
    }

    // ---------------------------------------------------------------- round trips

    [Fact]
    public void Every_registered_manifest_has_a_sample_here()
    {
        Assert.Equal(BlueZeroSerializer.Manifests.Keys.Order(), _samples.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(ManifestKeys))]
    public void Manifest_of_each_message_is_its_registered_key(string manifest)
    {
        var sample = _samples[manifest];

        Assert.Equal(BlueZeroSerializer.Manifests[manifest], sample.GetType());
        Assert.Equal(manifest, _serializer.Manifest(sample));
    }

    [Theory]
    [MemberData(nameof(ManifestKeys))]
    public void Each_registered_message_survives_a_round_trip(string manifest)
    {
        var sample = _samples[manifest];

        AssertSameMessage(sample, RoundTrip(sample));
    }

    [Fact]
    public void Start_without_optional_fields_round_trips_with_them_absent()
    {
        var start = new StartProcess("/bin/true", []);

        var back = Assert.IsType<StartProcess>(RoundTrip(start));

        AssertSameMessage(start, back);
        Assert.Null(back.Env);
        Assert.Null(back.Cwd);
        Assert.Null(back.Name);
    }

    [Fact]
    public void Stop_by_name_without_waiting_round_trips()
    {
        var stop = new StopProcess(ProcessTarget.ByName("worker"));

        Assert.Equal(stop, RoundTrip(stop));
    }

    [Fact]
    public void Status_of_a_running_process_round_trips_without_an_exit()
    {
        var status = new ProcessStatus(new ProcessInfo(7, null, "/bin/sleep", ["60"], ProcessState.Running, 0, null, SampleTime, null));

        var back = Assert.IsType<ProcessStatus>(RoundTrip(status));

        AssertSameMessage(status, back);
        Assert.Null(back.Info.LastExit);
        Assert.Null(back.Info.NextRunAt);
        Assert.True(back.Info.Running);
    }

    [Fact]
    public void Recurring_start_round_trips_its_period_and_no_restart_policy()
    {
        var start = new StartProcess("/usr/bin/backup", [], Name: "nightly", RecurringPeriodS: 86_400);

        var back = Assert.IsType<StartProcess>(RoundTrip(start));

        AssertSameMessage(start, back);
        Assert.Null(back.Restart);
        Assert.Null(back.MaxTimeS);
    }

    [Fact]
    public void Started_at_keeps_the_instant_of_a_non_utc_offset()
    {
        var local = new DateTimeOffset(2024, 5, 6, 9, 8, 9, 123, TimeSpan.FromHours(2));
        var status = new ProcessStatus(new ProcessInfo(7, null, "/bin/sleep", [], ProcessState.Running, 0, null, local, null));

        var back = Assert.IsType<ProcessStatus>(RoundTrip(status));

        Assert.Equal(local.UtcDateTime, back.Info.StartedAt.UtcDateTime);
    }

    [Fact]
    public void Unschedule_by_pid_round_trips()
    {
        var unschedule = new Unschedule(ProcessTarget.ByPid(99));

        Assert.Equal(unschedule, RoundTrip(unschedule));
    }

    [Fact]
    public void Unscheduled_of_an_unnamed_job_round_trips_without_a_name()
    {
        Assert.Equal(new Unscheduled(null), RoundTrip(new Unscheduled(null)));
    }

    [Fact]
    public void Stopped_with_an_unobservable_exit_code_round_trips()
    {
        var stopped = new ProcessStopped(7, new ProcessExit(null, null));

        Assert.Equal(stopped, RoundTrip(stopped));
    }

    [Fact]
    public void RegisterNode_resolves_back_to_an_equal_actor_ref()
    {
        var back = Assert.IsType<RegisterNode>(RoundTrip(new RegisterNode("node-a", TestActor)));

        Assert.Equal("node-a", back.HostName);
        Assert.Equal(TestActor, back.ProcessManager);
        Assert.Equal(TestActor.Path, back.ProcessManager.Path);
    }

    [Fact]
    public void RegisterNode_resolved_ref_delivers_to_the_original_actor()
    {
        var back = Assert.IsType<RegisterNode>(RoundTrip(new RegisterNode("node-a", TestActor)));

        back.ProcessManager.Tell("ping");

        ExpectMsg("ping");
    }

    // ---------------------------------------------------------------- refusals

    [Theory]
    [InlineData("System.Diagnostics.Process, System")]
    [InlineData("BlueZero.Messages.Protocol.StartProcess, BlueZero.Messages")]
    [InlineData("Start")]
    [InlineData("")]
    public void Unknown_manifest_is_refused(string manifest)
    {
        var payload = Encoding.UTF8.GetBytes("""{"Path":"/bin/true","Args":[]}""");

        Assert.Throws<SerializationException>(() => _serializer.FromBinary(payload, manifest));
    }

    [Fact]
    public void Unknown_manifest_error_does_not_echo_an_unbounded_manifest()
    {
        var manifest = new string('m', 10_000);

        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary("{}"u8.ToArray(), manifest));

        Assert.True(error.Message.Length < 200, error.Message);
    }

    [Fact]
    public void A_failure_from_a_node_of_the_previous_version_without_a_code_reads_as_a_generic_node_failure()
    {
        var failed = Assert.IsType<CommandFailed>(Deserialize("""{"ErrorMessage":"no such pid"}""", "failed"));

        Assert.Equal(new CommandFailed(ErrorCode.NodeFailure, "no such pid"), failed);
    }

    [Fact]
    public void A_failure_keeps_its_code_across_the_wire()
    {
        var sent = new CommandFailed(ErrorCode.OutputNotCaptured, "output of pid 7 is not captured (output: discard)");

        Assert.Equal(sent, Deserialize(Encoding.UTF8.GetString(_serializer.ToBinary(sent)), "failed"));
    }

    [Fact]
    public void Type_named_by_dollar_type_at_the_top_level_is_not_created()
    {
        var payload = $$$"""{"$type":"{{{typeof(Canary).AssemblyQualifiedName}}}","ErrorMessage":"x"}""";
        var before = Canary.Instances;

        var result = DeserializeOrNull(payload, "failed");

        if (result is not null)
            Assert.Equal(new CommandFailed(ErrorCode.NodeFailure, "x"), result);
        Assert.Equal(before, Canary.Instances);
    }

    [Fact]
    public void Dollar_type_naming_a_system_type_deserializes_as_the_manifest_type()
    {
        var result = DeserializeOrNull("""{"$type":"System.Diagnostics.Process, System","ErrorMessage":"x"}""", "failed");

        Assert.True(result is null or CommandFailed, $"got {result?.GetType().FullName}");
    }

    [Fact]
    public void Type_named_by_dollar_type_in_a_nested_object_is_not_created()
    {
        var payload = $$$"""{"Target":{"$type":"{{{typeof(Canary).AssemblyQualifiedName}}}","Pid":3},"Wait":false}""";
        var before = Canary.Instances;

        var result = DeserializeOrNull(payload, "stop");

        if (result is not null)
            Assert.Equal(new StopProcess(ProcessTarget.ByPid(3)), result);
        Assert.Equal(before, Canary.Instances);
    }

    [Fact]
    public void Type_named_by_dollar_type_in_place_of_an_actor_ref_is_not_created()
    {
        var payload = $$$"""{"HostName":"node-a","ProcessManager":{"$type":"{{{typeof(Canary).AssemblyQualifiedName}}}"}}""";
        var before = Canary.Instances;

        Assert.Throws<SerializationException>(() => Deserialize(payload, "register"));
        Assert.Equal(before, Canary.Instances);
    }

    /// <summary>Deserializes, treating a <see cref="SerializationException"/> as a refusal (null); any other exception
    /// (a raw Newtonsoft one included) fails the test, and a result of another type never passes silently.</summary>
    private object? DeserializeOrNull(string payload, string manifest)
    {
        try
        {
            return Deserialize(payload, manifest);
        }
        catch (SerializationException)
        {
            return null;
        }
    }

    [Fact]
    public void An_event_batch_is_read_without_constructors_and_absent_fields_read_as_before()
    {
        // Events are filled through their setters (RequiredEnumsContractResolver): a field left out is null, as it was.
        var batch = (EventBatch)Deserialize(
            """{"HostName":"node-a","JournalId":"j-1","Events":[{"NodeSeq":7,"Event":{"Type":"process_started","Time":"2026-12-06T03:00:00Z","HostName":"node-a","Pid":42}}]}""",
            "event-batch");

        var journaled = Assert.Single(batch.Events);
        Assert.Equal(7, journaled.NodeSeq);
        Assert.Equal(new MeshEvent(MeshEventType.ProcessStarted, DateTimeOffset.Parse("2026-12-06T03:00:00Z"), "node-a", Pid: 42), journaled.Event);
    }

    private object Deserialize(string payload, string manifest) =>
        _serializer.FromBinary(Encoding.UTF8.GetBytes(payload), manifest);

    // ---------------------------------------------------------------- hardening: malformed payloads and missing members

    [Theory]
    [InlineData("register", """{"HostName":"node-a","ProcessManager":42}""")]
    [InlineData("register", """{"HostName":"node-a","ProcessManager":true}""")]
    [InlineData("register", """{"HostName":"node-a","ProcessManager":{}}""")]
    [InlineData("register", """{"HostName":"node-a","ProcessManager":{"Path":"akka://x/user/y"}}""")]
    [InlineData("register", """{"HostName":"node-a","ProcessManager":["akka://x/user/y"]}""")]
    public void Actor_ref_that_is_not_a_json_string_is_refused(string manifest, string payload)
    {
        Assert.Throws<SerializationException>(() => Deserialize(payload, manifest));
    }

    [Theory]
    [InlineData("failed", "{")]
    [InlineData("failed", "not json")]
    [InlineData("failed", """{"ErrorMessage":"x"} trailing""")]
    [InlineData("failed", "[]")]
    [InlineData("failed", "\"just a string\"")]
    [InlineData("started", """{"Pid":"abc"}""")]
    [InlineData("started", """{"Pid":1.5}""")]
    [InlineData("started", """{"Pid":99999999999999999999}""")]
    [InlineData("stopped", """{"Pid":1,"Exit":"killed"}""")]
    [InlineData("status", """{"Info":{"Pid":1,"Path":"/bin/true","Args":[],"State":"running","Restarts":"many"}}""")]
    [InlineData("status", """{"Info":"running"}""")]
    [InlineData("processes", """{"Processes":{"Pid":1}}""")]
    [InlineData("killed", """{"Pids":"1,2"}""")]
    [InlineData("start", """{"Path":"/bin/true","Args":[],"MaxTimeS":"soon"}""")]
    [InlineData("start", """{"Path":"/bin/true","Args":[],"Restart":"always"}""")]
    [InlineData("active", """{"Pids":"1,2"}""")]
    [InlineData("active", """{"Pids":[1,null]}""")]
    [InlineData("active", """{"Pids":[1,"x"]}""")]
    [InlineData("start", """{"Path":"/bin/true","Args":"-la"}""")]
    [InlineData("start", """{"Path":"/bin/true","Args":[],"Env":["A=1"]}""")]
    [InlineData("stop", """{"Target":{"Pid":"web"}}""")]
    public void Newtonsoft_errors_surface_as_SerializationException(string manifest, string payload)
    {
        Assert.Throws<SerializationException>(() => Deserialize(payload, manifest));
    }

    [Fact]
    public void Malformed_payload_keeps_the_json_error_as_inner_exception()
    {
        var error = Assert.Throws<SerializationException>(() => Deserialize("{", "failed"));

        Assert.IsAssignableFrom<Newtonsoft.Json.JsonException>(error.InnerException);
    }

    [Theory]
    [InlineData("start", "{}")]
    [InlineData("start", """{"Args":["x"]}""")]
    [InlineData("start", """{"Path":null,"Args":[]}""")]
    [InlineData("start", """{"Path":"/bin/true"}""")]
    [InlineData("start", """{"Path":"/bin/true","Args":null}""")]
    [InlineData("stop", "{}")]
    [InlineData("stop", """{"Target":null,"Wait":true}""")]
    [InlineData("stop", """{"Wait":true}""")]
    [InlineData("query", "{}")]
    [InlineData("active", "{}")]
    [InlineData("active", """{"Pids":null}""")]
    [InlineData("failed", "{}")]
    [InlineData("failed", """{"ErrorMessage":null}""")]
    [InlineData("register", "{}")]
    [InlineData("register", """{"HostName":"node-a"}""")]
    [InlineData("register", """{"HostName":"node-a","ProcessManager":null}""")]
    [InlineData("register", """{"ProcessManager":null}""")]
    [InlineData("registered", "{}")]
    [InlineData("refused", """{"HostName":"node-a"}""")]
    [InlineData("refused", """{"Reason":"taken"}""")]
    [InlineData("status", "{}")]
    [InlineData("status", """{"Info":null}""")]
    [InlineData("processes", "{}")]
    [InlineData("processes", """{"Processes":null}""")]
    [InlineData("processes", """{"Processes":[null]}""")]
    [InlineData("killed", "{}")]
    [InlineData("unschedule", "{}")]
    [InlineData("event-batch", "{}")]
    [InlineData("event-batch", """{"HostName":"node-a","JournalId":"j-1"}""")]
    [InlineData("event-batch", """{"HostName":"node-a","JournalId":"j-1","Events":null}""")]
    [InlineData("event-batch", """{"HostName":"node-a","JournalId":"j-1","Events":[null]}""")]
    [InlineData("event-batch", """{"JournalId":"j-1","Events":[]}""")]
    public void Message_missing_a_non_nullable_member_is_refused(string manifest, string payload)
    {
        Assert.Throws<SerializationException>(() => Deserialize(payload, manifest));
    }

    [Theory]
    [InlineData("start", """{"Path":"/bin/true","Args":[],"Restart":{"Policy":"always"}}""")]
    [InlineData("start", """{"Path":"/bin/true","Args":[],"Restart":{"Policy":"on-failure","MaxRestarts":1,"Backoff":null,"ResetAfterS":60,"SuccessExitCodes":[0]}}""")]
    [InlineData("start", """{"Path":"/bin/true","Args":[],"Restart":{"Policy":"on-failure","MaxRestarts":1,"Backoff":{},"ResetAfterS":60,"SuccessExitCodes":null}}""")]
    [InlineData("start", """{"Path":"/bin/true","Args":[],"Restart":{"Policy":null,"MaxRestarts":1,"Backoff":{},"ResetAfterS":60,"SuccessExitCodes":[0]}}""")]
    [InlineData("status", """{"Info":{"Pid":1}}""")]
    [InlineData("status", """{"Info":{"Pid":1,"Path":"/bin/true","Args":[],"Restarts":0,"StartedAt":"2024-05-06T07:08:09Z"}}""")]
    [InlineData("processes", """{"Processes":[{"Pid":1,"Path":"/bin/true","State":"running","Restarts":0}]}""")]
    [InlineData("event-batch", """{"HostName":"node-a","JournalId":"j-1","Events":[{"NodeSeq":1}]}""")]
    [InlineData("event-batch", """{"HostName":"node-a","JournalId":"j-1","Events":[{"NodeSeq":1,"Event":{"Time":"2026-12-06T03:00:00Z","HostName":"node-a"}}]}""")]
    [InlineData("event-batch", """{"HostName":"node-a","JournalId":"j-1","Events":[{"NodeSeq":1,"Event":{"Type":"process_started","Time":"2026-12-06T03:00:00Z"}}]}""")]
    public void Nested_record_missing_a_non_nullable_member_is_refused(string manifest, string payload)
    {
        Assert.Throws<SerializationException>(() => Deserialize(payload, manifest));
    }

    [Theory]
    [InlineData("""{"Path":"/bin/true","Args":[null]}""")]
    [InlineData("""{"Path":"/bin/true","Args":["a",null,"b"]}""")]
    public void List_holding_a_null_entry_is_refused(string payload)
    {
        Assert.Throws<SerializationException>(() => Deserialize(payload, "start"));
    }

    [Theory]
    [InlineData("stop", """{"Target":{}}""")]
    [InlineData("stop", """{"Target":{"Pid":null,"Name":null},"Wait":true}""")]
    [InlineData("query", """{"Target":{}}""")]
    [InlineData("query", """{"Target":{"Pid":null,"Name":null}}""")]
    [InlineData("query", """{"Target":{"Other":1}}""")]
    [InlineData("unschedule", """{"Target":{}}""")]
    [InlineData("unschedule", """{"Target":{"Pid":0}}""")]
    public void Target_with_neither_pid_nor_name_is_refused(string manifest, string payload)
    {
        Assert.Throws<SerializationException>(() => Deserialize(payload, manifest));
    }

    [Fact]
    public void Optional_members_may_still_be_absent_or_null()
    {
        var start = Assert.IsType<StartProcess>(Deserialize("""{"Path":"/bin/true","Args":[],"Env":null,"Cwd":null,"Name":null}""", "start"));
        Assert.Equal("/bin/true", start.Path);
        Assert.Empty(start.Args);
        Assert.Null(start.Env);
        Assert.Null(start.Cwd);
        Assert.Null(start.Name);

        Assert.Equal(new ProcessStopped(3, null), Deserialize("""{"Pid":3}""", "stopped"));
        var status = Assert.IsType<ProcessStatus>(Deserialize(
            """{"Info":{"Pid":3,"Name":null,"Path":"/bin/true","Args":[],"State":"running","Restarts":0,"StartedAt":"2024-05-06T07:08:09.123Z","LastExit":null}}""",
            "status"));
        Assert.Equal(3, status.Info.Pid);
        Assert.Null(status.Info.Name);
        Assert.Null(status.Info.LastExit);
        Assert.Null(status.Info.NextRunAt);
        Assert.Equal(new ProcessStopped(null, null), Deserialize("{}", "stopped"));
        Assert.Equal(new Unscheduled(null), Deserialize("{}", "unscheduled"));
        Assert.Equal(new KillAll(), Deserialize("{}", "kill-all"));
        Assert.Equal(new ListProcesses(), Deserialize("{}", "list-all"));
        Assert.Equal(new StopProcess(ProcessTarget.ByName("web")), Deserialize("""{"Target":{"Name":"web"}}""", "stop"));
        Assert.Equal(new ListActiveProcesses(), Deserialize("{}", "list"));
    }

    [Fact]
    public void Null_payload_is_refused()
    {
        Assert.Throws<SerializationException>(() => _serializer.FromBinary("null"u8.ToArray(), "failed"));
    }

    [Fact]
    public void Manifest_of_an_unregistered_type_is_refused()
    {
        Assert.Throws<SerializationException>(() => _serializer.Manifest("just a string"));
        Assert.Throws<SerializationException>(() => _serializer.Manifest(new Canary()));
    }

    [Fact]
    public void Serializing_an_unregistered_type_is_refused()
    {
        Assert.Throws<SerializationException>(() => _serializer.ToBinary(new Canary()));
    }

    [Fact]
    public void Identifier_is_the_fixed_BlueZero_identifier()
    {
        Assert.Equal(BlueZeroSerializer.SerializerIdentifier, _serializer.Identifier);
    }

    /// <summary>Counts its own construction, so a test can prove the serializer never created one.</summary>
    public sealed class Canary
    {
        private static int _instances;
        public static int Instances => Volatile.Read(ref _instances);
        public Canary() => Interlocked.Increment(ref _instances);
        public string? ErrorMessage { get; set; }
    }
}
