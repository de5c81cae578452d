using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// README.md's shell examples run as pasted, in order, against a real hub named like the machine (README's
/// <c>H=$(hostname)</c>) and the nodes the README starts (see <see cref="ReadmeExamples"/> for what is skipped).
/// Every command must succeed, every curl reply must be a success, and the failures README shows on purpose
/// (<c># HTTP 400 {...}</c>) must come back exactly as shown.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReadmeExamplesTests(ITestOutputHelper output)
{
    private static readonly ReadmeExamples Readme = ReadmeExamples.Load(Path.Combine(TestPaths.RepoRoot, "README.md"));

    [Fact]
    public async Task Every_README_shell_example_runs_as_pasted_and_gets_the_reply_it_shows()
    {
        await using var mesh = LocalMesh.Create();
        await mesh.StartHub(System.Net.Dns.GetHostName());
        foreach (var node in Readme.NodesStarted) await mesh.StartNode(node);
        var log = Directory.CreateDirectory(Path.Combine(mesh.WorkDir, "readme-calls")).FullName;

        var script = Path.Combine(mesh.WorkDir, "readme.sh");
        await File.WriteAllTextAsync(script, Readme.Script(new Uri(mesh.Hub.BaseUrl).Authority, log, TestPaths.RepoRoot));

        var run = await mesh.Scripts.Run(script); // an absolute path: run as it is, with B0_HUB_URL set
        var transcript = run.ToString();
        output.WriteLine(transcript);

        var failedCommands = Path.Combine(log, "failed");
        Assert.True(!File.Exists(failedCommands), $"README commands failed:\n{ReadIfAny(failedCommands)}\n{transcript}\n{mesh.Diagnostics()}");
        Assert.True(run.ExitCode == 0, transcript);
        var calls = ReadmeExamples.CallsIn(log);
        Assert.NotEmpty(calls);
        var documented = Readme.DocumentedErrors;
        Assert.NotEmpty(documented);
        var failures = calls.Where(c => !HubReply.IsSuccessful(c.Status, c.ContentType, c.Body)).ToList();
        var unexpected = failures.Where(f => !documented.Any(d => Matches(f, d))).ToList();
        Assert.True(unexpected.Count == 0, $"README examples failed:\n{string.Join('\n', unexpected)}\n{mesh.Diagnostics()}");
        foreach (var error in documented)
            Assert.True(failures.Any(f => Matches(f, error)), $"README shows HTTP {error.Status} {error.Body}, which no example got:\n{string.Join('\n', calls)}");
    }

    [Fact]
    public void Only_server_and_test_commands_are_skipped_and_the_README_starts_node_lab_2()
    {
        var skipped = Readme.Script("127.0.0.1:1", "/tmp", "/tmp").Split('\n').Where(l => l.StartsWith("# skipped: ")).ToList();

        Assert.All(skipped, line => Assert.Matches(@"^# skipped: (dotnet (run|test) |\./test\.sh)", line));
        Assert.Equal(["lab-2"], Readme.NodesStarted);
    }

    private static bool Matches(ReadmeExamples.CurlCall call, (int Status, string Body) documented) =>
        call.Status == documented.Status && JToken.DeepEquals(JObject.Parse(call.Body), JObject.Parse(documented.Body));

    private static string ReadIfAny(string path) => File.Exists(path) ? File.ReadAllText(path) : "";
}
