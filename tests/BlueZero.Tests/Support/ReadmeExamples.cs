using System.Text.RegularExpressions;

namespace BlueZero.Tests.Support;

/// <summary>
/// The ```sh blocks of README.md, turned into one bash script that runs them in order against a test hub.
/// Skip rule: a line that starts with <c>dotnet </c> starts a server or the test suite and is not run; the test
/// provides what it would start instead: the hub, and a node for every <c>dotnet run --project src/ProcessManager</c>
/// line (<see cref="NodesStarted"/>). Everything else runs as pasted, multi-line commands included, since bash reads
/// the blocks itself. Each curl call is recorded (<see cref="CurlCall"/>), and a command that fails is logged by an
/// ERR trap.
/// </summary>
public sealed partial class ReadmeExamples
{
    /// <summary>Where the README sends its requests; rewritten to the test hub in every curl argument.</summary>
    public const string DocumentedHub = "localhost:8080";

    private ReadmeExamples(IReadOnlyList<string> blocks) => Blocks = blocks;

    public IReadOnlyList<string> Blocks { get; }

    public static ReadmeExamples Load(string path)
    {
        var blocks = ShellBlock().Matches(File.ReadAllText(path)).Select(m => m.Groups["body"].Value).ToList();
        return new ReadmeExamples(blocks);
    }

    private IEnumerable<string> Lines => Blocks.SelectMany(b => b.Split('\n'));

    /// <summary>The host ids of the nodes the README starts with <c>dotnet run --project src/ProcessManager</c>.</summary>
    public IReadOnlyList<string> NodesStarted =>
        Lines.Where(IsSkipped).Select(l => NodeStart().Match(l)).Where(m => m.Success).Select(m => m.Groups["host"].Value).ToList();

    /// <summary>The failures the README shows on purpose: a comment <c># HTTP 400 {...}</c> under the command.</summary>
    public IReadOnlyList<(int Status, string Body)> DocumentedErrors =>
        Lines.Select(l => DocumentedError().Match(l)).Where(m => m.Success)
            .Select(m => (int.Parse(m.Groups["status"].Value), m.Groups["body"].Value)).ToList();

    /// <summary>
    /// The whole script: a prelude (into <paramref name="workingDirectory"/>, where README's relative paths hold;
    /// curl as a recording function that sends to <paramref name="hubAddress"/>; the ERR trap), then every block with
    /// its skipped lines commented out.
    /// </summary>
    public string Script(string hubAddress, string logDirectory, string workingDirectory)
    {
        var prelude = $$"""
            cd {{Quote(workingDirectory)}} || exit 1
            set -E
            b0_log={{Quote(logDirectory)}}
            trap 'printf "line %s: exit %s: %s\n" "$LINENO" "$?" "$BASH_COMMAND" >> "$b0_log/failed"' ERR
            b0_calls=0
            curl() {
                b0_calls=$((b0_calls + 1))
                local call="$b0_log/call-$b0_calls"
                printf '%s\n' "$*" > "$call.args"
                command curl --max-time {{CurlTimeoutSeconds}} -o "$call.body" -w '%{http_code} %{content_type}' "${@//{{DocumentedHub}}/{{hubAddress}}}" > "$call.meta"
                local status=$?
                cat "$call.body" 2>/dev/null
                echo
                return $status
            }

            """;
        var body = Blocks.Select(block => string.Join('\n', block.Split('\n').Select(l => IsSkipped(l) ? "# skipped: " + l : l)));
        return prelude + string.Join('\n', body) + "\n";
    }

    /// <summary>Bounds every curl call, so a follow that does not end fails the run instead of hanging it.</summary>
    public const int CurlTimeoutSeconds = 30;

    /// <summary>One curl call the script made, as recorded in the log directory.</summary>
    public sealed record CurlCall(int Index, string Args, int Status, string ContentType, string Body)
    {
        public override string ToString() => $"curl #{Index} {Args}\n  -> HTTP {Status} {ContentType}: {Body}";
    }

    public static IReadOnlyList<CurlCall> CallsIn(string logDirectory) =>
        Directory.GetFiles(logDirectory, "call-*.args")
            .Select(args => args[..^".args".Length])
            .Select(call =>
            {
                var meta = File.Exists(call + ".meta") ? File.ReadAllText(call + ".meta").Split(' ', 2) : ["0", ""];
                return new CurlCall(int.Parse(Path.GetFileName(call)["call-".Length..]), File.ReadAllText(call + ".args").Trim(),
                    int.Parse(meta[0]), meta.Length > 1 ? meta[1] : "", File.Exists(call + ".body") ? File.ReadAllText(call + ".body") : "");
            })
            .OrderBy(c => c.Index)
            .ToList();

    /// <summary>Lines that start a hub or node, or run the tests: the test itself starts the mesh, and must not run itself.</summary>
    private static bool IsSkipped(string line) =>
        line.StartsWith("dotnet ", StringComparison.Ordinal) || line.StartsWith("./test.sh", StringComparison.Ordinal);

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''") + "'";

    [GeneratedRegex(@"^```sh\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"^dotnet run --project src/ProcessManager .*--host-id (?<host>\S+)")]
    private static partial Regex NodeStart();

    [GeneratedRegex(@"^# HTTP (?<status>\d{3}) (?<body>\{.*\})\s*$")]
    private static partial Regex DocumentedError();
}
