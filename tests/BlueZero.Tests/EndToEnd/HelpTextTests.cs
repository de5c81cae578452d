using System.Diagnostics;
using BlueZero.Messages.Wire;
using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>What the built executables and the sample scripts print for --help agrees with what they do.</summary>
public sealed class HelpTextTests
{
    [Fact]
    public async Task The_hubs_help_says_it_has_no_default_seed()
    {
        var help = await Help(TestPaths.HubDll);

        Assert.Contains(help, l => l.TrimStart().StartsWith("--seed <VALUE>") && l.Contains("(default: none)"));
        Assert.Contains(help, l => l.TrimStart().StartsWith("--cluster-port <VALUE>") && l.Contains("(default: 4053)"));
    }

    [Fact]
    public async Task The_nodes_help_names_the_seed_it_joins_by_default()
    {
        var help = await Help(TestPaths.NodeDll);

        Assert.Contains(help, l => l.TrimStart().StartsWith("--seed <VALUE>") && l.Contains("(default: akka.tcp://bluezero@127.0.0.1:4053)"));
        Assert.Contains(help, l => l.TrimStart().StartsWith("--cluster-port <VALUE>") && l.Contains("(default: 0)"));
    }

    [Fact]
    public async Task An_unknown_flag_gets_one_line_with_the_closest_flag_and_exit_code_2()
    {
        var (exitCode, stdout, stderr) = await RunRaw(TestPaths.NodeDll, ["--seeed", "akka.tcp://bluezero@127.0.0.1:4053"]);

        Assert.Equal(2, exitCode);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains("(did you mean --seed?)", line);
    }

    [Fact]
    public async Task A_bad_value_gets_one_line_naming_the_flag_and_exit_code_2()
    {
        var (exitCode, _, stderr) = await RunRaw(TestPaths.HubDll, ["--output-files", "many", "--no-local-node"]);

        Assert.Equal(2, exitCode);
        Assert.Equal("error: --output-files must be a number from 1 to 1000, not 'many'", stderr.Trim());
    }

    [Fact]
    public async Task List_hosts_help_names_every_field_of_the_GET_hosts_reply()
    {
        var reply = JObject.Parse(WireResponseWriter.Hosts([new HostSummary("lab-1", "akka.tcp://bluezero@127.0.0.1:4053", "up", DateTimeOffset.UtcNow, 1, 2.5, 3.5)]));
        var fields = ((JObject)reply["hosts"]![0]!).Properties().Select(p => p.Name).ToList();

        var help = string.Join('\n', await Run("/bin/bash", [Path.Combine(TestPaths.Scripts, "list_hosts.sh"), "--help"]));

        Assert.All(fields, field => Assert.Contains($"\"{field}\":", help));
    }

    /// <summary>The executable's --help, run with the repository's hocon/ as its configuration.</summary>
    private static Task<IReadOnlyList<string>> Help(string dll) =>
        Run(dll, ["--help", "--config-dir", Path.Combine(TestPaths.RepoRoot, "hocon")]);

    private static async Task<IReadOnlyList<string>> Run(string program, IReadOnlyList<string> args)
    {
        var (exitCode, stdout, stderr) = await RunRaw(program, args);
        Assert.True(exitCode == 0, $"{program} {string.Join(' ', args)} exited {exitCode}: {stderr}");
        return stdout.Split('\n');
    }

    /// <summary>A built executable (run by the dotnet host) or a script, without any B0_* variable of the test run.</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunRaw(string program, IReadOnlyList<string> args)
    {
        if (program.EndsWith(".dll")) args = [program, .. args];
        if (program.EndsWith(".dll")) program = TestPaths.DotnetHost;
        var info = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("B0_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, await stdout, await stderr);
    }
}
