using System.Text;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Newtonsoft.Json.Linq;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>
/// The size limits of start_process (<see cref="WireLimits"/>): a request at a limit is accepted, one byte or entry
/// over it is refused with the exact error text, and configured limits replace the defaults.
/// </summary>
public sealed class WireLimitsTests
{
    private const int ArgsLimit = 262_144;
    private const int EnvEntryLimit = 1000;
    private const int EnvLimit = 262_144;
    private const int PathLimit = 4096;

    [Fact]
    public void Defaults_are_the_documented_values()
    {
        Assert.Equal(new WireLimits(ArgsLimit, EnvEntryLimit, EnvLimit, PathLimit), WireLimits.Default);
        Assert.Null(WireLimits.Default.FirstInvalid());
        Assert.Equal("max-env-entries", new WireLimits(MaxEnvEntries: 0).FirstInvalid());
    }

    [Fact]
    public void Args_exactly_at_the_limit_are_accepted()
    {
        // 4 args of 64 KiB: 262144 bytes in total.
        var args = Enumerable.Range(0, 4).Select(_ => new string('a', 64 * 1024)).ToArray();
        var start = Accepted(StartWith(new JObject { ["args"] = new JArray(args) }));

        Assert.Equal(ArgsLimit, start.Args.Sum(a => a.Length));
    }

    [Fact]
    public void Args_one_byte_over_the_limit_are_refused_with_their_total()
    {
        var args = Enumerable.Range(0, 4).Select(_ => new string('a', 64 * 1024)).Append("b").ToArray();

        Assert.Equal("invalid value for field start_process.args: 262145 bytes in total; the limit is 262144",
            Refused(StartWith(new JObject { ["args"] = new JArray(args) })));
    }

    [Fact]
    public void Args_are_measured_in_UTF8_bytes_not_characters()
    {
        // 100,000 × "é" is 100,000 characters but 200,000 bytes; three of them are 600,000 bytes.
        var args = Enumerable.Range(0, 3).Select(_ => new string('é', 100_000)).ToArray();

        Assert.Equal("invalid value for field start_process.args: 600000 bytes in total; the limit is 262144",
            Refused(StartWith(new JObject { ["args"] = new JArray(args) })));
    }

    [Fact]
    public void Many_small_args_count_towards_the_total()
    {
        var args = Enumerable.Range(0, 70_000).Select(_ => "abcd").ToArray();

        Assert.Equal("invalid value for field start_process.args: 280000 bytes in total; the limit is 262144",
            Refused(StartWith(new JObject { ["args"] = new JArray(args) })));
    }

    [Fact]
    public void Type_errors_in_args_are_reported_before_their_size()
    {
        var args = new JArray(new string('a', ArgsLimit + 1), 5);

        Assert.Equal("wrong type for field start_process.args[1]: expected a string", Refused(StartWith(new JObject { ["args"] = args })));
    }

    [Fact]
    public void Env_with_1000_entries_is_accepted_and_1001_is_refused()
    {
        Assert.Equal(EnvEntryLimit, Accepted(StartWith(new JObject { ["env"] = Env(EnvEntryLimit) })).Env!.Count);

        Assert.Equal("invalid value for field start_process.env: 1001 entries; the limit is 1000",
            Refused(StartWith(new JObject { ["env"] = Env(EnvEntryLimit + 1) })));
    }

    [Fact]
    public void Env_over_its_total_size_is_refused_counting_NAME_equals_VALUE()
    {
        // "A=" + 200,000 and "B=" + 62,142: exactly 262,144 bytes as NAME=VALUE.
        var atLimit = new JObject { ["A"] = new string('x', 200_000), ["B"] = new string('y', EnvLimit - 200_002 - 2) };
        Assert.Equal(2, Accepted(StartWith(new JObject { ["env"] = atLimit })).Env!.Count);

        var over = new JObject { ["A"] = new string('x', 200_000), ["B"] = new string('y', EnvLimit - 200_002 - 1) };
        Assert.Equal("invalid value for field start_process.env: 262145 bytes in total; the limit is 262144",
            Refused(StartWith(new JObject { ["env"] = over })));
    }

    [Theory]
    [InlineData("path")]
    [InlineData("cwd")]
    public void A_path_of_4096_bytes_is_accepted_and_4097_is_refused(string field)
    {
        var atLimit = "/" + new string('p', PathLimit - 1);
        var over = "/" + new string('p', PathLimit);
        var accepted = Accepted(StartWith(new JObject { [field] = atLimit }));
        Assert.Equal(atLimit, field == "path" ? accepted.Path : accepted.Cwd);

        Assert.Equal($"invalid value for field start_process.{field}: 4097 bytes long; the limit is 4096",
            Refused(StartWith(new JObject { [field] = over })));
    }

    [Fact]
    public void A_path_is_measured_in_UTF8_bytes()
    {
        var path = "/" + new string('日', 1400); // 1 + 4200 bytes

        Assert.Equal("invalid value for field start_process.path: 4201 bytes long; the limit is 4096",
            Refused(StartWith(new JObject { ["path"] = path })));
    }

    [Fact]
    public void Configured_limits_replace_the_defaults()
    {
        var limits = new WireLimits(MaxArgsBytes: 10, MaxEnvEntries: 2, MaxEnvBytes: 8, MaxPathBytes: 16);

        Assert.Equal("invalid value for field start_process.args: 11 bytes in total; the limit is 10",
            Refused(StartWith(new JObject { ["args"] = new JArray("hello", "world!") }), limits));
        Assert.Equal("invalid value for field start_process.env: 3 entries; the limit is 2",
            Refused(StartWith(new JObject { ["env"] = Env(3) }), limits));
        Assert.Equal("invalid value for field start_process.env: 9 bytes in total; the limit is 8",
            Refused(StartWith(new JObject { ["env"] = new JObject { ["AB"] = "cd", ["E"] = "fg" } }), limits));
        Assert.Equal("invalid value for field start_process.cwd: 17 bytes long; the limit is 16",
            Refused(StartWith(new JObject { ["cwd"] = "/" + new string('c', 16) }), limits));
        Accepted(StartWith(new JObject { ["args"] = new JArray("hello", "world"), ["env"] = new JObject { ["AB"] = "cd" } }), limits);
    }

    [Fact]
    public void The_byte_entry_point_applies_the_same_limits()
    {
        var json = StartWith(new JObject { ["args"] = new JArray("hello", "world!") });
        var result = WireParser.Parse(Encoding.UTF8.GetBytes(json), new WireLimits(MaxArgsBytes: 10));

        Assert.Equal("invalid value for field start_process.args: 11 bytes in total; the limit is 10", result.Error);
        Assert.True(WireParser.Parse(Encoding.UTF8.GetBytes(json)).IsOk);
    }

    [Fact]
    public void Limits_apply_to_start_process_only()
    {
        var result = WireParser.Parse("""{"stop_process":{"name":"web"}}""", new WireLimits(1, 1, 1, 1));

        Assert.True(result.IsOk, result.Error);
    }

    // ---------------------------------------------------------------- helpers

    private static string StartWith(JObject fields)
    {
        if (fields["path"] is null) fields["path"] = "/bin/true";
        return new JObject { ["host_name"] = "h", ["start_process"] = fields }.ToString(Newtonsoft.Json.Formatting.None);
    }

    private static JObject Env(int entries)
    {
        var env = new JObject();
        for (var i = 0; i < entries; i++) env[$"V{i}"] = "1";
        return env;
    }

    private static StartProcess Accepted(string json, WireLimits? limits = null)
    {
        var result = WireParser.Parse(json, limits);
        Assert.True(result.IsOk, $"expected acceptance, got: {result.Error}");
        return Assert.IsType<StartProcess>(result.Request!.Command);
    }

    private static string Refused(string json, WireLimits? limits = null)
    {
        var result = WireParser.Parse(json, limits);
        Assert.False(result.IsOk, $"expected refusal, got {result.Request}");
        return result.Error!;
    }
}
