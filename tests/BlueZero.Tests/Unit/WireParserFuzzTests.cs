using System.Globalization;
using System.Text;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Xunit;
using Xunit.Sdk;

namespace BlueZero.Tests.Unit;

/// <summary>
/// Seeded fuzzing of <see cref="WireParser"/>: whatever bytes arrive, the parser answers with exactly one of a
/// request or a non-empty error, never an exception, and every request it accepts satisfies the protocol's rules.
/// The seeds are fixed, so a failure names an input that reproduces on every run. Over 15,000 inputs in all.
/// </summary>
public sealed class WireParserFuzzTests
{
    private static readonly string[] ValidRequests =
    [
        """{"list_active_processes":{}}""",
        """{"host_name":"node-a","list_active_processes":{}}""",
        """{"start_process":{"path":"/bin/sleep","args":["10"]}}""",
        """{"host_name":"node-b","start_process":{"path":"/usr/bin/env","args":["a b","\"q\"","ünï","🚀"],"env":{"A":"1","B":"x=y"},"cwd":"/tmp","name":"web"}}""",
        """{"stop_process":{"pid":4242}}""",
        """{"stop_process":{"name":"web","wait":true}}""",
        """{"host_name":"node-c","stop_process":{"pid":1,"wait":false}}""",
        """{"query_process_status":{"pid":2147483647}}""",
        """{"query_process_status":{"name":"worker-1"}}""",
        """{"host_name":"h","query_process_status":{"pid":99}}""",
        """{"start_process":{"path":"/bin/sh","args":["-c","exit 1"],"name":"w","restart":{"policy":"on-failure","max_restarts":3,"backoff":{"initial_ms":200,"max_ms":5000,"multiplier":2,"jitter":0.1},"reset_after_s":30,"success_exit_codes":[0,3]},"max_time":60}}""",
        """{"start_process":{"path":"/usr/bin/backup","recurring_period":86400,"restart":{"policy":"never"}}}""",
        """{"list_processes":{}}""",
        """{"unschedule":{"name":"nightly"}}""",
        """{"host_name":"h","unschedule":{"pid":7}}""",
        """{"kill_all":{"all_hosts":true}}""",
        """{"host_name":"h","kill_all":{}}""",
    ];

    private static readonly string[] OperationFields =
    [
        "start_process.path", "start_process.args", "start_process.env", "start_process.cwd", "start_process.name",
        "stop_process.pid", "stop_process.name", "stop_process.wait",
        "query_process_status.pid", "query_process_status.name",
        "start_process.restart", "start_process.max_time", "start_process.recurring_period",
        "unschedule.pid", "unschedule.name", "kill_all.all_hosts",
    ];

    private static readonly string[] KnownKeys =
    [
        "start_process", "stop_process", "query_process_status", "list_active_processes", "host_name",
        "path", "args", "env", "cwd", "name", "pid", "wait", "$type", "", "PATH",
        "list_processes", "unschedule", "kill_all", "all_hosts", "restart", "policy", "max_restarts", "backoff",
        "initial_ms", "max_ms", "multiplier", "jitter", "reset_after_s", "success_exit_codes", "max_time", "recurring_period",
    ];

    private const string JsonAlphabet = "{}[]\":,0123456789-+.eE \t\n\r\\/tfnrulsaxyz\0\u00e9\u65e5";

    private int _inputs;
    private int _accepted;

    [Fact]
    public void Random_bytes_always_get_an_answer()
    {
        var rng = new Random(1001);
        for (var i = 0; i < 2_000; i++)
        {
            var body = new byte[rng.Next(0, 160)];
            rng.NextBytes(body);
            AssertAnswered(body);
        }
        AssertRan(2_000);
    }

    [Fact]
    public void Random_json_like_text_always_gets_an_answer()
    {
        var rng = new Random(1002);
        for (var i = 0; i < 2_000; i++)
        {
            var text = new StringBuilder();
            var length = rng.Next(0, 120);
            for (var j = 0; j < length; j++)
                text.Append(JsonAlphabet[rng.Next(JsonAlphabet.Length)]);
            AssertAnswered(text.ToString());
        }
        AssertRan(2_000);
    }

    [Fact]
    public void Mutated_valid_requests_always_get_an_answer()
    {
        var rng = new Random(1003);
        for (var i = 0; i < 3_000; i++)
        {
            var body = Encoding.UTF8.GetBytes(ValidRequests[rng.Next(ValidRequests.Length)]).ToList();
            var mutations = rng.Next(1, 5);
            for (var m = 0; m < mutations; m++)
                Mutate(rng, body);
            AssertAnswered(body.ToArray());
        }
        AssertRan(3_000);
        AssertBothOutcomesSeen();
    }

    [Fact]
    public void Truncations_of_valid_requests_always_get_an_answer()
    {
        var count = 0;
        foreach (var request in ValidRequests)
        {
            var body = Encoding.UTF8.GetBytes(request);
            for (var length = 0; length <= body.Length; length++, count++)
                AssertAnswered(body[..length]);
        }
        Assert.Equal(count, _inputs);
        Assert.True(count > 500);
    }

    [Fact]
    public void Random_deep_nesting_always_gets_an_answer()
    {
        var rng = new Random(1004);
        for (var i = 0; i < 1_000; i++)
        {
            var depth = rng.Next(1, 3 * WireParser.MaxDepth);
            var text = new StringBuilder();
            var atRoot = rng.Next(3) == 0;
            if (!atRoot)
                text.Append(rng.Next(2) == 0 ? "{\"list_active_processes\":" : "{\"start_process\":{\"path\":\"/x\",\"env\":");
            var closers = new Stack<char>();
            for (var d = 0; d < depth; d++)
            {
                if (rng.Next(2) == 0) { text.Append('['); closers.Push(']'); }
                else { text.Append("{\"").Append(KnownKeys[rng.Next(KnownKeys.Length)]).Append("\":"); closers.Push('}'); }
            }
            text.Append(RandomJsonValue(rng, 0));
            var toClose = rng.Next(4) == 0 ? rng.Next(closers.Count + 1) : closers.Count; // sometimes left unclosed
            for (var c = 0; c < toClose; c++) text.Append(closers.Pop());
            if (!atRoot && closers.Count == 0) text.Append(rng.Next(2) == 0 ? "}" : "}}");
            AssertAnswered(text.ToString());
        }
        AssertRan(1_000);
    }

    [Fact]
    public void Huge_and_odd_numbers_in_every_field_always_get_an_answer()
    {
        var rng = new Random(1005);
        for (var i = 0; i < 1_500; i++)
        {
            var field = OperationFields[rng.Next(OperationFields.Length)];
            AssertAnswered(RequestWithField(rng, field, RandomNumber(rng)));
        }
        AssertRan(1_500);
        AssertBothOutcomesSeen();
    }

    [Fact]
    public void Random_values_of_any_type_in_every_field_always_get_an_answer()
    {
        var rng = new Random(1006);
        for (var i = 0; i < 2_500; i++)
        {
            var field = OperationFields[rng.Next(OperationFields.Length)];
            AssertAnswered(RequestWithField(rng, field, RandomJsonValue(rng, 0)));
        }
        AssertRan(2_500);
        AssertBothOutcomesSeen();
    }

    [Fact]
    public void Random_objects_of_known_keys_always_get_an_answer()
    {
        var rng = new Random(1007);
        for (var i = 0; i < 1_500; i++)
            AssertAnswered(RandomObject(rng, 0, rng.Next(1, 5)));
        AssertRan(1_500);
    }

    [Fact]
    public void Random_combinations_of_operations_and_fields_always_get_an_answer()
    {
        var rng = new Random(1008);
        for (var i = 0; i < 2_000; i++)
            AssertAnswered(RandomRequest(rng));
        AssertRan(2_000);
        AssertBothOutcomesSeen();
    }

    // ---------------------------------------------------------------- the oracle

    private void AssertAnswered(string text)
    {
        _inputs++;
        if (Check(() => WireParser.Parse(text), () => Describe(text))) _accepted++;
        // The same text through the byte entry point (lone surrogates become U+FFFD on encoding).
        Check(() => WireParser.Parse(Encoding.UTF8.GetBytes(text)), () => Describe(text));
    }

    private void AssertAnswered(byte[] body)
    {
        _inputs++;
        if (Check(() => WireParser.Parse(body), () => "bytes " + Convert.ToHexString(body))) _accepted++;
    }

    private void AssertRan(int expected) => Assert.Equal(expected, _inputs);

    /// <summary>Guards the generator itself: it must reach both the accepting and the rejecting paths of the parser.</summary>
    private void AssertBothOutcomesSeen()
    {
        Assert.InRange(_accepted, 1, _inputs - 1);
    }

    /// <summary>Parses once and checks the answer; true when the input was accepted.</summary>
    private static bool Check(Func<ParseResult> parse, Func<string> describe)
    {
        ParseResult result;
        try
        {
            result = parse();
        }
        catch (Exception ex)
        {
            throw new XunitException($"parser threw {ex.GetType().Name} ({ex.Message}) on {describe()}");
        }

        if (result is null)
            throw new XunitException($"parser returned null on {describe()}");
        if ((result.Request is null) == (result.Error is null))
            throw new XunitException($"expected exactly one of Request/Error, got {result} on {describe()}");
        if (result.Error is not null && string.IsNullOrWhiteSpace(result.Error))
            throw new XunitException($"blank error text on {describe()}");
        if (result.Error is { } error && (error.Contains("LineNumber") || error.Contains("reader options") || error.Contains("Exception")))
            throw new XunitException($"error text leaks the JSON reader's .NET wording ({error}) on {describe()}");
        if (result.Error is { } syntax && syntax.StartsWith(ErrorTexts.MalformedJson(""), StringComparison.Ordinal)
            && !syntax.Contains("duplicate key", StringComparison.Ordinal) && !System.Text.RegularExpressions.Regex.IsMatch(syntax, @" at byte \d+$"))
            throw new XunitException($"syntax error without a byte offset ({syntax}) on {describe()}");
        if (result.Request is { } request && Violation(request) is { } violation)
            throw new XunitException($"accepted a request that breaks the protocol ({violation}): {request} on {describe()}");
        return result.IsOk;
    }

    /// <summary>What an accepted request must satisfy; null when it does.</summary>
    private static string? Violation(HubRequest request)
    {
        if (request.HostName is not null && string.IsNullOrWhiteSpace(request.HostName))
            return "blank host_name";
        if (request.AllHosts && request.Command is not KillAll)
            return "all_hosts outside kill_all";
        switch (request.Command)
        {
            case StartProcess start:
                if (!IsAbsoluteClean(start.Path)) return "path";
                if (start.Args is null || start.Args.Any(a => a is null || a.Contains('\0'))) return "args";
                if (start.Env is not null && start.Env.Any(e => e.Key.Length == 0 || e.Key.Contains('=') || e.Key.Contains('\0')
                                                                 || e.Value is null || e.Value.Contains('\0')))
                    return "env";
                if (start.Cwd is not null && !IsAbsoluteClean(start.Cwd)) return "cwd";
                if (start.Name is not null && !IsValidName(start.Name)) return "name";
                if (start.MaxTimeS is { } maxTime && !IsValidSeconds(maxTime)) return "max_time";
                if (start.RecurringPeriodS is { } period && !IsValidSeconds(period)) return "recurring_period";
                if (start.Output is { } output && !Enum.IsDefined(output)) return "output";
                if (start.Stdin is not null && System.Text.Encoding.UTF8.GetByteCount(start.Stdin) > WireLimits.DefaultMaxStdinBytes) return "stdin";
                if (start.Restart is { } restart)
                {
                    if (!Enum.IsDefined(restart.Policy)) return "restart.policy";
                    if (restart.MaxRestarts < -1) return "restart.max_restarts";
                    if (!IsValidSeconds(restart.ResetAfterS)) return "restart.reset_after_s";
                    if (restart.SuccessExitCodes is null || restart.SuccessExitCodes.Any(c => c is < 0 or > 255)) return "restart.success_exit_codes";
                    if (restart.Backoff is not { } b || b.InitialMs < 1 || b.MaxMs < b.InitialMs || !(b.Multiplier >= 1)
                        || !double.IsFinite(b.Multiplier) || !(b.Jitter is >= 0 and <= 1))
                        return "restart.backoff";
                    if (start.RecurringPeriodS is not null && restart.Policy != RestartPolicyKind.Never) return "recurring with restart";
                }
                return null;
            case StopProcess stop:
                return TargetViolation(stop.Target);
            case QueryProcessStatus query:
                return TargetViolation(query.Target);
            case ListActiveProcesses or ListProcesses or KillAll or NodeStateQuery or HostInfoQuery:
                return null;
            case ProcessStatsQuery stats:
                return TargetViolation(stats.Target);
            case ReadOutput read:
                if (!OutputStreams.All.Contains(read.Stream)) return "read_output.stream";
                if (read.Tail is < 0 || read.SinceSeq is < 0 || read.WaitMs != 0) return "read_output numbers";
                return TargetViolation(read.Target);
            case Unschedule unschedule:
                return TargetViolation(unschedule.Target);
            case ForgetHost forget:
                if (request.HostName is not null) return "forget_host with a top-level host_name";
                return string.IsNullOrWhiteSpace(forget.HostName) ? "forget_host.host_name" : null;
            case EventQuery events:
                if (request.HostName is not null) return "events with a top-level host_name";
                if (events.SinceSeq < 0 || events.Pid is <= 0 || events.Limit is < 1 or > EventQuery.MaxLimit) return "events numbers";
                return events.Types?.All(Enum.IsDefined) == false ? "events.type" : null;
            case ApplyPlan or PlanStatusQuery or RemovePlan or ListPlans:
                // Plan operations take no top-level host_name; a plan document's own problems travel in ApplyPlan.Problems.
                return request.HostName is not null ? $"{request.Operation} with a top-level host_name" : null;
            default:
                return "unexpected command type " + request.Command?.GetType().Name;
        }
    }

    private static bool IsValidSeconds(double seconds) =>
        double.IsFinite(seconds) && seconds > 0 && seconds <= WireParser.MaxSeconds;

    private static bool IsAbsoluteClean(string? path) => path is { Length: > 0 } && path[0] == '/' && !path.Contains('\0');

    private static bool IsValidName(string name) =>
        name.Length is > 0 and <= WireParser.MaxNameLength && !name.Any(char.IsControl);

    private static string? TargetViolation(ProcessTarget? target) => target switch
    {
        null => "no target",
        { Pid: { } pid, Name: null } => pid > 0 ? null : "pid",
        { Pid: null, Name: { } name } => IsValidName(name) ? null : "name",
        _ => "target must be exactly one of pid or name",
    };

    private static string Describe(string text)
    {
        var shown = text.Length <= 400 ? text : text[..400] + $"... ({text.Length} chars)";
        return "text " + JsonEscape(shown);
    }

    // ---------------------------------------------------------------- generators

    private static void Mutate(Random rng, List<byte> body)
    {
        if (body.Count == 0)
        {
            body.Add((byte)rng.Next(256));
            return;
        }
        var at = rng.Next(body.Count);
        switch (rng.Next(9))
        {
            case 0: // truncate
                body.RemoveRange(at, body.Count - at);
                break;
            case 1: // flip one bit
                body[at] ^= (byte)(1 << rng.Next(8));
                break;
            case 2: // replace with a random byte
                body[at] = (byte)rng.Next(256);
                break;
            case 3: // insert a NUL
                body.Insert(at, 0);
                break;
            case 4: // duplicate a segment in place
            {
                var length = rng.Next(1, Math.Min(24, body.Count - at) + 1);
                body.InsertRange(at, body.GetRange(at, length));
                break;
            }
            case 5: // delete a segment
                body.RemoveRange(at, rng.Next(1, Math.Min(12, body.Count - at) + 1));
                break;
            case 6: // insert a structural character
                body.Insert(at, (byte)"{}[]\":,\\"[rng.Next(8)]);
                break;
            case 7: // splice in a random JSON value
                body.InsertRange(at, Encoding.UTF8.GetBytes(RandomJsonValue(rng, 1)));
                break;
            default: // copy a segment to another place
            {
                var length = rng.Next(1, Math.Min(16, body.Count - at) + 1);
                var segment = body.GetRange(at, length);
                body.InsertRange(rng.Next(body.Count + 1), segment);
                break;
            }
        }
    }

    /// <summary>A valid request for the operation of <paramref name="field"/>, with that field set to <paramref name="valueJson"/>.</summary>
    private static string RequestWithField(Random rng, string field, string valueJson)
    {
        var dot = field.IndexOf('.');
        var operation = field[..dot];
        var name = field[(dot + 1)..];
        var fields = new List<string> { $"\"{name}\":{valueJson}" };
        switch (operation)
        {
            case WireOperations.StartProcess when name != "path":
                fields.Add("\"path\":\"/bin/true\"");
                break;
            case WireOperations.StopProcess or WireOperations.QueryProcessStatus when name == "wait":
                fields.Add("\"pid\":1");
                break;
            case WireOperations.StartProcess when name == "recurring_period" && rng.Next(2) == 0:
                fields.Add("\"restart\":" + GoodValue(rng, "restart"));
                break;
        }
        if (rng.Next(3) == 0)
            fields.Reverse();
        var host = rng.Next(4) switch
        {
            0 => "\"host_name\":\"node-a\",",
            1 => $"\"host_name\":{RandomJsonValue(rng, 1)},",
            _ => "",
        };
        return $"{{{host}\"{operation}\":{{{string.Join(",", fields)}}}}}";
    }

    /// <summary>Mostly well-formed requests: one (sometimes zero or two) operations, each with a random mix of its own
    /// fields holding good or random values, sometimes a foreign field, sometimes a host_name, in random order.</summary>
    private static string RandomRequest(Random rng)
    {
        var members = new List<string>();
        if (rng.Next(3) == 0)
            members.Add("\"host_name\":" + (rng.Next(4) == 0 ? RandomJsonValue(rng, 1) : "\"node-" + RandomPlainText(rng) + "\""));
        var operations = rng.Next(20) switch { 0 => 0, 1 or 2 => 2, _ => 1 };
        for (var o = 0; o < operations; o++)
        {
            var operation = rng.Next(25) == 0 ? RandomPlainText(rng) : WireOperations.All[rng.Next(WireOperations.All.Count)];
            string[] own = operation switch
            {
                WireOperations.StartProcess => ["path", "args", "env", "cwd", "name", "restart", "max_time", "recurring_period", "output", "stdin"],
                WireOperations.ReadOutput => ["pid", "name", "stream", "tail", "since_seq"],
                WireOperations.ProcessStats => ["pid", "name"],
                WireOperations.StopProcess => ["pid", "name", "wait"],
                WireOperations.QueryProcessStatus or WireOperations.Unschedule => ["pid", "name"],
                WireOperations.KillAll => ["all_hosts"],
                WireOperations.ForgetHost => ["host_name"],
                WireOperations.Events => ["since_seq", "host", "type", "pid", "from", "limit", "order"],
                WireOperations.ApplyPlan => ["plan", "dry_run", "on_failure"],
                WireOperations.PlanStatus or WireOperations.RemovePlan => ["name"],
                _ => [],
            };
            var fields = own.Where(f => f == "path" ? rng.Next(8) != 0 : rng.Next(2) == 0)
                .Select(f => $"\"{f}\":{(rng.Next(10) < 7 ? GoodValue(rng, f) : RandomJsonValue(rng, 1))}")
                .ToList();
            if (rng.Next(15) == 0)
                fields.Insert(rng.Next(fields.Count + 1), $"\"{KnownKeys[rng.Next(KnownKeys.Length)]}\":{RandomJsonValue(rng, 1)}");
            var body = rng.Next(30) == 0 ? RandomJsonValue(rng, 1) : "{" + string.Join(",", fields) + "}";
            members.Add($"\"{operation}\":{body}");
        }
        var shuffled = members.OrderBy(_ => rng.Next()).ToList();
        return "{" + string.Join(",", shuffled) + "}";
    }

    private static string GoodValue(Random rng, string field) => field switch
    {
        "path" or "cwd" => JsonEscape("/" + RandomPlainText(rng) + (rng.Next(4) == 0 ? "/ünï dir/bin" : "")),
        "args" => "[" + string.Join(",", Enumerable.Range(0, rng.Next(0, 4)).Select(_ => JsonEscape(RandomPlainText(rng) + " \"x\""))) + "]",
        "env" => "{" + string.Join(",", Enumerable.Range(0, rng.Next(0, 3)).Select(n => $"\"V{n}\":{JsonEscape(RandomPlainText(rng))}")) + "}",
        "name" => JsonEscape("n" + RandomPlainText(rng)),
        "host_name" => JsonEscape("node-" + RandomPlainText(rng)),
        "pid" => rng.Next(1, int.MaxValue).ToString(CultureInfo.InvariantCulture),
        "wait" or "all_hosts" => rng.Next(2) == 0 ? "true" : "false",
        "max_time" or "recurring_period" => rng.Next(3) switch { 0 => "0.5", 1 => "60", _ => RandomNumber(rng) },
        "restart" => GoodRestart(rng),
        "output" => JsonEscape(WireNames.OutputModes.All[rng.Next(WireNames.OutputModes.All.Count)]),
        "stdin" => JsonEscape(RandomPlainText(rng) + "\n"),
        "stream" => JsonEscape(OutputStreams.All[rng.Next(OutputStreams.All.Count)]),
        "tail" or "since_seq" => rng.Next(0, 5000).ToString(CultureInfo.InvariantCulture),
        "host" => "[" + JsonEscape("node-" + RandomPlainText(rng)) + "]",
        "type" => "[" + JsonEscape(WireNames.EventTypes.All[rng.Next(WireNames.EventTypes.All.Count)]) + "]",
        "from" => JsonEscape(rng.Next(2) == 0 ? "2026-12-06T03:00:00Z" : RandomPlainText(rng)),
        "limit" => rng.Next(-1, 10_002).ToString(CultureInfo.InvariantCulture),
        "order" => JsonEscape(rng.Next(2) == 0 ? "asc" : "desc"),
        _ => "null",
    };

    /// <summary>A restart object whose fields are mostly valid, sometimes random, sometimes out of range.</summary>
    private static string GoodRestart(Random rng)
    {
        string Pick(string good) => rng.Next(5) == 0 ? (rng.Next(2) == 0 ? RandomNumber(rng) : RandomJsonValue(rng, 2)) : good;
        var fields = new List<string> { $"\"policy\":{Pick(JsonEscape(WireNames.RestartPolicies.All[rng.Next(3)]))}" };
        if (rng.Next(2) == 0) fields.Add($"\"max_restarts\":{Pick(rng.Next(-1, 10).ToString(CultureInfo.InvariantCulture))}");
        if (rng.Next(2) == 0) fields.Add($"\"reset_after_s\":{Pick("30")}");
        if (rng.Next(2) == 0) fields.Add($"\"success_exit_codes\":{Pick("[0," + rng.Next(0, 300).ToString(CultureInfo.InvariantCulture) + "]")}");
        if (rng.Next(2) == 0)
        {
            var backoff = new List<string>();
            if (rng.Next(2) == 0) backoff.Add($"\"initial_ms\":{Pick(rng.Next(0, 2000).ToString(CultureInfo.InvariantCulture))}");
            if (rng.Next(2) == 0) backoff.Add($"\"max_ms\":{Pick(rng.Next(0, 60_000).ToString(CultureInfo.InvariantCulture))}");
            if (rng.Next(2) == 0) backoff.Add($"\"multiplier\":{Pick((0.5 + rng.NextDouble() * 3).ToString("R", CultureInfo.InvariantCulture))}");
            if (rng.Next(2) == 0) backoff.Add($"\"jitter\":{Pick((rng.NextDouble() * 1.2).ToString("R", CultureInfo.InvariantCulture))}");
            if (rng.Next(8) == 0) backoff.Add($"\"{KnownKeys[rng.Next(KnownKeys.Length)]}\":1");
            fields.Add("\"backoff\":{" + string.Join(",", backoff) + "}");
        }
        if (rng.Next(10) == 0) fields.Add($"\"{KnownKeys[rng.Next(KnownKeys.Length)]}\":{RandomJsonValue(rng, 2)}");
        return "{" + string.Join(",", fields.OrderBy(_ => rng.Next())) + "}";
    }

    private static string RandomNumber(Random rng)
    {
        switch (rng.Next(10))
        {
            case 0: return new string('9', rng.Next(10, 400));
            case 1: return "-" + RandomDigits(rng, rng.Next(1, 60));
            case 2: return RandomDigits(rng, rng.Next(1, 30)) + "." + RandomDigits(rng, rng.Next(1, 30));
            case 3: return "1e" + rng.Next(0, 100_000).ToString(CultureInfo.InvariantCulture);
            case 4: return "-1E-" + rng.Next(0, 100_000).ToString(CultureInfo.InvariantCulture);
            case 5: return rng.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture);
            case 6: return ((long)int.MaxValue + rng.Next(-2, 3)).ToString(CultureInfo.InvariantCulture);
            case 7: return new[] { "0", "-0", "00", "01", "0x1F", "1.", ".5", "+1", "NaN", "Infinity", "-Infinity", "1e", "--1", "1-" }[rng.Next(14)];
            case 8: return rng.NextDouble().ToString("R", CultureInfo.InvariantCulture);
            default: return rng.Next(-1000, 100_000).ToString(CultureInfo.InvariantCulture);
        }
    }

    private static string RandomDigits(Random rng, int count)
    {
        var digits = new char[count];
        for (var i = 0; i < count; i++) digits[i] = (char)('0' + rng.Next(10));
        return new string(digits);
    }

    private static string RandomJsonValue(Random rng, int depth)
    {
        var choice = rng.Next(depth > 3 ? 6 : 9);
        return choice switch
        {
            0 => "null",
            1 => rng.Next(2) == 0 ? "true" : "false",
            2 => RandomNumber(rng),
            3 or 4 => RandomJsonString(rng),
            5 => "\"/" + RandomPlainText(rng) + "\"",
            6 => "[" + string.Join(",", Enumerable.Range(0, rng.Next(0, 4)).Select(_ => RandomJsonValue(rng, depth + 1))) + "]",
            7 => RandomObject(rng, depth + 1, rng.Next(0, 4)),
            _ => new[] { "undefined", "'single'", "bare", "\"unterminated", "/*c*/1", "[1,]", "{,}", "\"\\ud800\"", "\"\\uZZZZ\"" }[rng.Next(9)],
        };
    }

    private static string RandomObject(Random rng, int depth, int properties)
    {
        var parts = Enumerable.Range(0, properties)
            .Select(_ => $"\"{KnownKeys[rng.Next(KnownKeys.Length)]}\":{RandomJsonValue(rng, depth + 1)}");
        return "{" + string.Join(",", parts) + "}";
    }

    private static string RandomJsonString(Random rng)
    {
        var raw = new StringBuilder();
        var length = rng.Next(0, 40);
        for (var i = 0; i < length; i++)
        {
            raw.Append(rng.Next(8) switch
            {
                0 => '\0',
                1 => (char)rng.Next(1, 0x20),             // other control characters
                2 => (char)rng.Next(0xD800, 0xE000),      // lone surrogates
                3 => (char)rng.Next(0x80, 0x800),
                4 => "\"\\/= "[rng.Next(5)],
                _ => (char)rng.Next('!', '~' + 1),
            });
        }
        // Usually escaped properly, sometimes written raw into the JSON text.
        return rng.Next(4) == 0 ? "\"" + raw + "\"" : JsonEscape(raw.ToString());
    }

    private static string RandomPlainText(Random rng)
    {
        var chars = new char[rng.Next(0, 20)];
        for (var i = 0; i < chars.Length; i++) chars[i] = (char)rng.Next('a', 'z' + 1);
        return new string(chars);
    }

    private static string JsonEscape(string value)
    {
        var escaped = new StringBuilder("\"");
        foreach (var c in value)
        {
            if (c is '"' or '\\') escaped.Append('\\').Append(c);
            else if (c < 0x20 || char.IsSurrogate(c)) escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else escaped.Append(c);
        }
        return escaped.Append('"').ToString();
    }
}
