using Newtonsoft.Json.Linq;

namespace BlueZero.Tests.Support;

/// <summary>What a sample script did: its exit code and everything it printed.</summary>
public sealed record ScriptResult(string Script, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The single JSON reply the script printed to stdout.</summary>
    public JObject Json => JToken.Parse(Stdout) as JObject ?? throw new InvalidOperationException($"{Script} printed no JSON object: {this}");

    public override string ToString() => $"{Script} exited {ExitCode}; stdout: {Stdout.TrimEnd()}; stderr: {Stderr.TrimEnd()}";
}
