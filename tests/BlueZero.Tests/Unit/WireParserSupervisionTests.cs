using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>
/// The supervision part of the wire protocol as a specification: start_process.restart, max_time and
/// recurring_period, list_processes, unschedule and kill_all; every default and the exact error for every bad value.
/// </summary>
public sealed class WireParserSupervisionTests
{
    private const string RestartPath = "start_process.restart";
    private const string BackoffPath = "start_process.restart.backoff";
    private static readonly string SecondsRange = $"more than 0 and at most {WireParser.MaxSeconds} seconds";
    private static readonly string SecondsBounds = $"from 0 to {WireParser.MaxSeconds}";

    // ---------------------------------------------------------------- helpers

    private static HubRequest Parsed(string json)
    {
        var result = WireParser.Parse(json);
        Assert.True(result.IsOk, $"expected {json} to parse, got error: {result.Error}");
        return result.Request!;
    }

    private static string Rejected(string json)
    {
        var result = WireParser.Parse(json);
        Assert.False(result.IsOk, $"expected {json} to be rejected, got {result.Request}");
        Assert.Null(result.Request);
        return result.Error!;
    }

    private static TCommand CommandOf<TCommand>(string json) where TCommand : INodeCommand =>
        Assert.IsType<TCommand>(Parsed(json).Command);

    /// <summary><c>{"start_process":{"path":"/bin/true", fields}}</c>.</summary>
    private static string Start(string fields) => "{\"start_process\":{\"path\":\"/bin/true\"," + fields + "}}";

    /// <summary>A start whose restart object holds <paramref name="fields"/>.</summary>
    private static string Restart(string fields) => Start("\"restart\":{" + fields + "}");

    /// <summary>A start with an on-failure policy whose backoff object holds <paramref name="fields"/>.</summary>
    private static string Backoff(string fields) => Restart("\"policy\":\"on-failure\",\"backoff\":{" + fields + "}");

    private static RestartPolicy RestartOf(string json) =>
        CommandOf<StartProcess>(json).Restart ?? throw new Xunit.Sdk.XunitException("no restart policy parsed");

    // ---------------------------------------------------------------- restart: valid

    [Fact]
    public void Start_without_restart_has_no_policy_and_behaves_as_never()
    {
        var start = CommandOf<StartProcess>("""{"start_process":{"path":"/bin/true"}}""");

        Assert.Null(start.Restart);
        Assert.Null(start.MaxTimeS);
        Assert.Null(start.RecurringPeriodS);
        Assert.Equal(RestartPolicyKind.Never, start.EffectiveRestart.Policy);
    }

    [Theory]
    [InlineData("never")]
    [InlineData("on-failure")]
    [InlineData("always")]
    public void Restart_with_only_a_policy_gets_every_default(string policy)
    {
        var restart = RestartOf(Restart($$"""
            "policy":"{{policy}}"
            """));

        Assert.Equal(policy, restart.Policy.ToWire());
        Assert.Equal(-1, restart.MaxRestarts);
        Assert.Equal(BackoffSettings.Default, restart.Backoff);
        Assert.Equal(new BackoffSettings(500, 30_000, 2.0, 0.1), restart.Backoff);
        Assert.Equal(60, restart.ResetAfterS);
        Assert.Equal([0], restart.SuccessExitCodes);
    }

    [Fact]
    public void Restart_with_every_field_keeps_every_value()
    {
        var restart = RestartOf(Restart("""
            "policy":"on-failure","max_restarts":5,"reset_after_s":12.5,"success_exit_codes":[0,3,255],
            "backoff":{"initial_ms":250,"max_ms":8000,"multiplier":1.5,"jitter":0.2}
            """));

        Assert.Equal(RestartPolicyKind.OnFailure, restart.Policy);
        Assert.Equal(5, restart.MaxRestarts);
        Assert.Equal(12.5, restart.ResetAfterS);
        Assert.Equal([0, 3, 255], restart.SuccessExitCodes);
        Assert.Equal(new BackoffSettings(250, 8_000, 1.5, 0.2), restart.Backoff);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    public void Max_restarts_accepts_minus_one_for_forever_and_any_count(int count)
    {
        Assert.Equal(count, RestartOf(Restart($$"""
            "policy":"always","max_restarts":{{count}}
            """)).MaxRestarts);
    }

    [Fact]
    public void Empty_success_exit_codes_means_no_code_counts_as_success()
    {
        Assert.Empty(RestartOf(Restart("\"policy\":\"on-failure\",\"success_exit_codes\":[]")).SuccessExitCodes);
    }

    [Fact]
    public void Backoff_with_some_fields_takes_the_defaults_for_the_others()
    {
        var backoff = RestartOf(Backoff("\"jitter\":0")).Backoff;

        Assert.Equal(BackoffSettings.Default with { Jitter = 0 }, backoff);
    }

    [Fact]
    public void Backoff_with_an_initial_delay_above_the_default_maximum_raises_the_maximum_to_it()
    {
        var backoff = RestartOf(Backoff("\"initial_ms\":60000")).Backoff;

        Assert.Equal(60_000, backoff.InitialMs);
        Assert.Equal(60_000, backoff.MaxMs);
    }

    [Fact]
    public void Backoff_bounds_are_inclusive()
    {
        var low = RestartOf(Backoff("\"initial_ms\":1,\"max_ms\":1,\"multiplier\":1,\"jitter\":0")).Backoff;
        var high = RestartOf(Backoff("\"initial_ms\":86400000,\"max_ms\":86400000,\"multiplier\":100,\"jitter\":1")).Backoff;

        Assert.Equal(new BackoffSettings(1, 1, 1, 0), low);
        Assert.Equal(new BackoffSettings(86_400_000, 86_400_000, 100, 1), high);
    }

    [Fact]
    public void Null_restart_and_null_optional_fields_count_as_absent()
    {
        Assert.Null(CommandOf<StartProcess>(Start("\"restart\":null,\"max_time\":null,\"recurring_period\":null")).Restart);

        var restart = RestartOf(Restart("\"policy\":\"always\",\"max_restarts\":null,\"backoff\":null,\"success_exit_codes\":null,\"reset_after_s\":null"));
        Assert.Equal(-1, restart.MaxRestarts);
        Assert.Equal(BackoffSettings.Default, restart.Backoff);
        Assert.Equal([0], restart.SuccessExitCodes);
        Assert.Equal(60, restart.ResetAfterS);
    }

    // ---------------------------------------------------------------- restart: errors

    [Fact]
    public void Restart_that_is_not_an_object_is_refused()
    {
        Assert.Equal(ErrorTexts.WrongType(RestartPath, "an object"), Rejected(Start("\"restart\":\"always\"")));
        Assert.Equal(ErrorTexts.WrongType(RestartPath, "an object"), Rejected(Start("\"restart\":[]")));
    }

    [Fact]
    public void Restart_without_a_policy_is_refused()
    {
        Assert.Equal(ErrorTexts.MissingField("start_process.restart.policy"), Rejected(Restart("\"max_restarts\":3")));
        Assert.Equal(ErrorTexts.MissingField("start_process.restart.policy"), Rejected(Restart("")));
        Assert.Equal(ErrorTexts.MissingField("start_process.restart.policy"), Rejected(Restart("\"policy\":null")));
    }

    [Theory]
    [InlineData("sometimes")]
    [InlineData("Always")]
    [InlineData("on_failure")]
    [InlineData("")]
    public void Unknown_policy_is_refused_with_the_list_of_policies(string policy)
    {
        Assert.Equal(ErrorTexts.OutOfRange("start_process.restart.policy", "one of never, on-failure, always"),
            Rejected(Restart($$"""
                "policy":"{{policy}}"
                """)));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("true")]
    [InlineData("[\"always\"]")]
    public void Policy_that_is_not_a_string_is_refused(string value)
    {
        Assert.Equal(ErrorTexts.WrongType("start_process.restart.policy", "a string"), Rejected(Restart("\"policy\":" + value)));
    }

    [Theory]
    [InlineData("\"3\"")]
    [InlineData("1.5")]
    [InlineData("true")]
    [InlineData("99999999999999999999")]
    public void Max_restarts_that_is_not_an_integer_is_refused(string value)
    {
        Assert.Equal(ErrorTexts.WrongType("start_process.restart.max_restarts", "an integer"),
            Rejected(Restart("\"policy\":\"always\",\"max_restarts\":" + value)));
    }

    [Theory]
    [InlineData("-2")]
    [InlineData("-100")]
    [InlineData("2147483648")]
    public void Max_restarts_below_minus_one_or_beyond_int_is_refused(string value)
    {
        Assert.Equal(ErrorTexts.OutOfRange("start_process.restart.max_restarts", "-1 (forever) or a count of 0 or more"),
            Rejected(Restart("\"policy\":\"always\",\"max_restarts\":" + value)));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0.0")]
    [InlineData("-0")]
    public void Reset_after_of_zero_is_refused(string value)
    {
        Assert.Equal(ErrorTexts.OutOfRange("start_process.restart.reset_after_s", SecondsRange),
            Rejected(Restart("\"policy\":\"always\",\"reset_after_s\":" + value)));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-0.001")]
    [InlineData("31536001")]
    [InlineData("1e12")]
    public void Reset_after_that_is_negative_or_beyond_a_year_is_refused(string value)
    {
        Assert.Equal(ErrorTexts.OutOfRange("start_process.restart.reset_after_s", SecondsBounds),
            Rejected(Restart("\"policy\":\"always\",\"reset_after_s\":" + value)));
    }

    [Theory]
    [InlineData("\"60\"")]
    [InlineData("true")]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    public void Reset_after_that_is_not_a_finite_number_is_refused(string value)
    {
        Assert.Equal(ErrorTexts.WrongType("start_process.restart.reset_after_s", "a number"),
            Rejected(Restart("\"policy\":\"always\",\"reset_after_s\":" + value)));
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void Non_json_number_literals_are_malformed_json(string value)
    {
        Assert.StartsWith(ErrorTexts.MalformedJson(""), Rejected(Restart("\"policy\":\"always\",\"reset_after_s\":" + value)));
        Assert.StartsWith(ErrorTexts.MalformedJson(""), Rejected(Start("\"max_time\":" + value)));
    }

    [Theory]
    [InlineData("256", 1)]
    [InlineData("-1", 1)]
    [InlineData("1000", 1)]
    public void Success_exit_code_outside_0_to_255_is_refused_with_its_index(string code, int index)
    {
        Assert.Equal(ErrorTexts.OutOfRange($"start_process.restart.success_exit_codes[{index}]", "0 to 255"),
            Rejected(Restart($"\"policy\":\"on-failure\",\"success_exit_codes\":[0,{code}]")));
    }

    [Theory]
    [InlineData("[\"0\"]", "start_process.restart.success_exit_codes[0]", "an integer")]
    [InlineData("[0,1.5]", "start_process.restart.success_exit_codes[1]", "an integer")]
    [InlineData("[null]", "start_process.restart.success_exit_codes[0]", "an integer")]
    [InlineData("0", "start_process.restart.success_exit_codes", "an array of integers")]
    [InlineData("{\"a\":0}", "start_process.restart.success_exit_codes", "an array of integers")]
    public void Success_exit_codes_of_the_wrong_type_are_refused(string value, string field, string expected)
    {
        Assert.Equal(ErrorTexts.WrongType(field, expected),
            Rejected(Restart("\"policy\":\"on-failure\",\"success_exit_codes\":" + value)));
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("maxRestarts")]
    [InlineData("max_time")]
    public void Unknown_field_inside_restart_is_refused_with_its_dotted_path(string field)
    {
        Assert.Equal(ErrorTexts.UnknownField("start_process.restart." + field),
            Rejected(Restart($$"""
                "policy":"always","{{field}}":1
                """)));
    }

    // ---------------------------------------------------------------- backoff: errors

    [Fact]
    public void Backoff_that_is_not_an_object_is_refused()
    {
        Assert.Equal(ErrorTexts.WrongType(BackoffPath, "an object"), Rejected(Restart("\"policy\":\"always\",\"backoff\":500")));
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("initial")]
    [InlineData("policy")]
    public void Unknown_field_inside_backoff_is_refused_with_its_dotted_path(string field)
    {
        Assert.Equal(ErrorTexts.UnknownField($"{BackoffPath}.{field}"), Rejected(Backoff($$"""
            "{{field}}":1
            """)));
    }

    [Theory]
    [InlineData("initial_ms", "0")]
    [InlineData("initial_ms", "-5")]
    [InlineData("initial_ms", "86400001")]
    [InlineData("max_ms", "0")]
    [InlineData("max_ms", "86400001")]
    public void Backoff_milliseconds_outside_1_to_a_day_are_refused(string field, string value)
    {
        Assert.Equal(ErrorTexts.OutOfRange($"{BackoffPath}.{field}", "1 to 86400000"), Rejected(Backoff($"\"{field}\":{value}")));
    }

    [Theory]
    [InlineData("initial_ms", "\"500\"")]
    [InlineData("initial_ms", "2.5")]
    [InlineData("max_ms", "true")]
    public void Backoff_milliseconds_that_are_not_integers_are_refused(string field, string value)
    {
        Assert.Equal(ErrorTexts.WrongType($"{BackoffPath}.{field}", "an integer"), Rejected(Backoff($"\"{field}\":{value}")));
    }

    [Theory]
    [InlineData("\"initial_ms\":1000,\"max_ms\":999")]
    [InlineData("\"initial_ms\":2,\"max_ms\":1")]
    [InlineData("\"max_ms\":400")]
    public void Backoff_maximum_below_the_initial_delay_is_refused(string fields)
    {
        Assert.Equal(ErrorTexts.OutOfRange($"{BackoffPath}.max_ms", "at least initial_ms"), Rejected(Backoff(fields)));
    }

    [Theory]
    [InlineData("1.0001")]
    [InlineData("2")]
    [InlineData("-0.1")]
    public void Jitter_outside_0_to_1_is_refused(string value)
    {
        Assert.Equal(ErrorTexts.OutOfRange($"{BackoffPath}.jitter", "from 0 to 1"), Rejected(Backoff("\"jitter\":" + value)));
    }

    [Theory]
    [InlineData("0.999")]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("100.5")]
    public void Multiplier_outside_1_to_100_is_refused(string value)
    {
        Assert.Equal(ErrorTexts.OutOfRange($"{BackoffPath}.multiplier", "from 1 to 100"), Rejected(Backoff("\"multiplier\":" + value)));
    }

    [Theory]
    [InlineData("multiplier", "\"2\"")]
    [InlineData("jitter", "null2")]
    [InlineData("jitter", "[0.1]")]
    [InlineData("multiplier", "1e400")]
    public void Backoff_factors_that_are_not_finite_numbers_are_refused(string field, string value)
    {
        var error = Rejected(Backoff($"\"{field}\":{value}"));

        if (value == "null2") Assert.StartsWith(ErrorTexts.MalformedJson(""), error);
        else Assert.Equal(ErrorTexts.WrongType($"{BackoffPath}.{field}", "a number"), error);
    }

    // ---------------------------------------------------------------- max_time and recurring_period

    [Theory]
    [InlineData("max_time")]
    [InlineData("recurring_period")]
    public void Seconds_fields_accept_fractions_and_up_to_a_year(string field)
    {
        var small = CommandOf<StartProcess>(Start($"\"{field}\":0.25"));
        var year = CommandOf<StartProcess>(Start($"\"{field}\":31536000"));

        Assert.Equal(0.25, field == "max_time" ? small.MaxTimeS : small.RecurringPeriodS);
        Assert.Equal(31_536_000, field == "max_time" ? year.MaxTimeS : year.RecurringPeriodS);
    }

    [Theory]
    [InlineData("max_time", "0")]
    [InlineData("recurring_period", "0")]
    [InlineData("max_time", "0.0")]
    public void Seconds_fields_of_zero_are_refused(string field, string value)
    {
        Assert.Equal(ErrorTexts.OutOfRange("start_process." + field, SecondsRange), Rejected(Start($"\"{field}\":{value}")));
    }

    [Theory]
    [InlineData("max_time", "-1")]
    [InlineData("recurring_period", "-60")]
    [InlineData("max_time", "31536000.5")]
    [InlineData("recurring_period", "1e15")]
    public void Seconds_fields_that_are_negative_or_huge_are_refused(string field, string value)
    {
        Assert.Equal(ErrorTexts.OutOfRange("start_process." + field, SecondsBounds), Rejected(Start($"\"{field}\":{value}")));
    }

    [Theory]
    [InlineData("max_time", "\"60\"")]
    [InlineData("recurring_period", "true")]
    [InlineData("max_time", "{}")]
    [InlineData("recurring_period", "1e400")]
    public void Seconds_fields_that_are_not_finite_numbers_are_refused(string field, string value)
    {
        Assert.Equal(ErrorTexts.WrongType("start_process." + field, "a number"), Rejected(Start($"\"{field}\":{value}")));
    }

    [Fact]
    public void Max_time_combines_with_any_restart_policy()
    {
        var start = CommandOf<StartProcess>(Start("\"max_time\":30,\"restart\":{\"policy\":\"always\"}"));

        Assert.Equal(30, start.MaxTimeS);
        Assert.Equal(RestartPolicyKind.Always, start.Restart!.Policy);
    }

    [Fact]
    public void Recurring_period_combines_with_max_time_and_a_name()
    {
        var start = CommandOf<StartProcess>(Start("\"recurring_period\":3600,\"max_time\":600,\"name\":\"nightly\""));

        Assert.Equal(3600, start.RecurringPeriodS);
        Assert.Equal(600, start.MaxTimeS);
        Assert.Equal("nightly", start.Name);
        Assert.Null(start.Restart);
    }

    [Fact]
    public void Recurring_period_with_restart_policy_never_is_accepted()
    {
        var start = CommandOf<StartProcess>(Start("\"recurring_period\":60,\"restart\":{\"policy\":\"never\"}"));

        Assert.Equal(60, start.RecurringPeriodS);
        Assert.Equal(RestartPolicyKind.Never, start.Restart!.Policy);
    }

    [Theory]
    [InlineData("on-failure")]
    [InlineData("always")]
    public void Recurring_period_with_a_restart_policy_other_than_never_is_refused(string policy)
    {
        Assert.Equal(ErrorTexts.RecurringWithRestart, Rejected(Start($$"""
            "recurring_period":60,"restart":{"policy":"{{policy}}"}
            """)));
        Assert.Equal(ErrorTexts.RecurringWithRestart, Rejected(Start($$"""
            "restart":{"policy":"{{policy}}"},"recurring_period":60
            """)));
    }

    [Fact]
    public void Invalid_restart_is_reported_before_the_recurring_conflict()
    {
        Assert.Equal(ErrorTexts.MissingField("start_process.restart.policy"),
            Rejected(Start("\"recurring_period\":60,\"restart\":{\"max_restarts\":1}")));
    }

    // ---------------------------------------------------------------- list_processes

    [Fact]
    public void List_processes_parses_to_its_command()
    {
        var request = Parsed("""{"list_processes":{}}""");

        Assert.IsType<ListProcesses>(request.Command);
        Assert.Null(request.HostName);
        Assert.False(request.AllHosts);
        Assert.Equal(WireOperations.ListProcesses, request.Operation);
    }

    [Fact]
    public void List_processes_for_one_host_keeps_the_host_name()
    {
        Assert.Equal("node-a", Parsed("""{"host_name":"node-a","list_processes":{}}""").HostName);
    }

    [Fact]
    public void List_processes_with_a_field_is_refused()
    {
        Assert.Equal(ErrorTexts.UnknownField("list_processes.all"), Rejected("""{"list_processes":{"all":true}}"""));
    }

    [Fact]
    public void List_processes_that_is_not_an_object_is_refused()
    {
        Assert.Equal(ErrorTexts.WrongType("list_processes", "an object"), Rejected("""{"list_processes":[]}"""));
    }

    // ---------------------------------------------------------------- unschedule

    [Fact]
    public void Unschedule_by_name_targets_the_name()
    {
        var request = Parsed("""{"host_name":"node-a","unschedule":{"name":"nightly"}}""");

        Assert.Equal(new Unschedule(ProcessTarget.ByName("nightly")), request.Command);
        Assert.Equal("node-a", request.HostName);
        Assert.Equal(WireOperations.Unschedule, request.Operation);
    }

    [Fact]
    public void Unschedule_by_pid_targets_the_pid()
    {
        Assert.Equal(new Unschedule(ProcessTarget.ByPid(4242)), CommandOf<Unschedule>("""{"unschedule":{"pid":4242}}"""));
    }

    [Theory]
    [InlineData("""{"unschedule":{}}""")]
    [InlineData("""{"unschedule":{"pid":1,"name":"x"}}""")]
    [InlineData("""{"unschedule":{"pid":null,"name":null}}""")]
    public void Unschedule_needs_exactly_one_of_pid_or_name(string json)
    {
        Assert.Equal(ErrorTexts.PidOrName(WireOperations.Unschedule), Rejected(json));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("\"42\"")]
    [InlineData("2147483648")]
    public void Unschedule_with_a_bad_pid_is_refused(string pid)
    {
        Assert.Equal(ErrorTexts.WrongType("unschedule.pid", "a positive integer"), Rejected($$$"""{"unschedule":{"pid":{{{pid}}}}}"""));
    }

    [Fact]
    public void Unschedule_with_an_empty_name_is_refused()
    {
        Assert.Equal(ErrorTexts.InvalidValue("unschedule.name", $"must be 1 to {WireParser.MaxNameLength} characters"),
            Rejected("""{"unschedule":{"name":""}}"""));
    }

    [Fact]
    public void Unschedule_with_an_unknown_field_is_refused()
    {
        Assert.Equal(ErrorTexts.UnknownField("unschedule.wait"), Rejected("""{"unschedule":{"name":"x","wait":true}}"""));
    }

    // ---------------------------------------------------------------- kill_all

    [Fact]
    public void Kill_all_on_one_host_does_not_claim_all_hosts()
    {
        var request = Parsed("""{"host_name":"node-a","kill_all":{}}""");

        Assert.IsType<KillAll>(request.Command);
        Assert.Equal("node-a", request.HostName);
        Assert.False(request.AllHosts);
        Assert.Equal(WireOperations.KillAll, request.Operation);
    }

    [Fact]
    public void Kill_all_without_a_host_and_without_consent_parses_with_all_hosts_false()
    {
        // The parser only reads the flag; the hub refuses the request (ErrorTexts.KillAllNeedsConsent).
        var request = Parsed("""{"kill_all":{}}""");

        Assert.Null(request.HostName);
        Assert.False(request.AllHosts);
    }

    [Fact]
    public void Kill_all_with_all_hosts_true_carries_the_consent()
    {
        var request = Parsed("""{"kill_all":{"all_hosts":true}}""");

        Assert.IsType<KillAll>(request.Command);
        Assert.True(request.AllHosts);
    }

    [Theory]
    [InlineData("false", false)]
    [InlineData("null", false)]
    public void Kill_all_with_all_hosts_false_or_null_has_no_consent(string value, bool expected)
    {
        Assert.Equal(expected, Parsed($$$"""{"kill_all":{"all_hosts":{{{value}}}}}""").AllHosts);
    }

    [Theory]
    [InlineData("\"true\"")]
    [InlineData("1")]
    [InlineData("{}")]
    public void Kill_all_with_a_non_boolean_all_hosts_is_refused(string value)
    {
        Assert.Equal(ErrorTexts.WrongType("kill_all.all_hosts", "true or false"), Rejected($$$"""{"kill_all":{"all_hosts":{{{value}}}}}"""));
    }

    [Fact]
    public void Kill_all_with_an_unknown_field_is_refused()
    {
        Assert.Equal(ErrorTexts.UnknownField("kill_all.force"), Rejected("""{"kill_all":{"force":true}}"""));
    }

    [Fact]
    public void All_hosts_is_only_a_field_of_kill_all()
    {
        Assert.Equal(ErrorTexts.UnknownField("list_processes.all_hosts"), Rejected("""{"list_processes":{"all_hosts":true}}"""));
        Assert.Equal("unknown operation: all_hosts", Rejected("""{"all_hosts":true,"kill_all":{}}"""));
    }

    [Fact]
    public void Every_new_operation_is_known_to_the_missing_operation_error()
    {
        var error = Rejected("""{"host_name":"node-a"}""");

        Assert.Contains(WireOperations.ListProcesses, error);
        Assert.Contains(WireOperations.Unschedule, error);
        Assert.Contains(WireOperations.KillAll, error);
    }

    [Fact]
    public void Two_supervision_operations_in_one_request_are_refused()
    {
        Assert.Equal(ErrorTexts.MoreThanOneOperation([WireOperations.KillAll, WireOperations.ListProcesses]),
            Rejected("""{"kill_all":{},"list_processes":{}}"""));
    }
}
