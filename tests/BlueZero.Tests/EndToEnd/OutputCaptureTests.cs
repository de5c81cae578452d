using System.Diagnostics;
using System.Text.RegularExpressions;
using BlueZero.Hub.Http;
using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// Output capture end to end: real processes on a remote node write to stdout and stderr, and the output comes back
/// through the hub's HTTP front door, paged (read_output) and followed (GET .../output?follow=true), and on disk.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class OutputCaptureTests(ObservationFixture fixture, ITestOutputHelper output) : IClassFixture<ObservationFixture>
{
    private const string Node = ObservationFixture.Node;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);

    private LocalMesh Mesh => fixture.Mesh;

    private async Task<int> Start(JObject start)
    {
        var reply = await Mesh.Hub.Routed(Node, "start_process", start);
        Assert.True(reply["success"]?.Value<bool>() == true, $"start failed: {reply}");
        return Mesh.Track(reply["pid"]!.Value<int>());
    }

    private static JObject Shell(string name, string script) =>
        new() { ["path"] = "/bin/sh", ["args"] = new JArray("-c", script), ["name"] = name };

    private Task<JObject> ReadOutput(JObject body) => Mesh.Hub.Routed(Node, "read_output", body);

    private async Task AwaitExit(string name) =>
        await Polling.Until(async () => (await Mesh.Hub.Routed(Node, "query_process_status", new JObject { ["name"] = name }))["running"]?.Value<bool>() == false,
            Settle, $"{name} to exit", Mesh.Diagnostics, Polling.FinePollInterval);

    private static List<string> Texts(JObject read) => ((JArray)read["lines"]!).Select(l => (string)l["text"]!).ToList();

    [Fact]
    public async Task A_script_printing_to_both_streams_is_read_back_exactly_and_pages_forward_without_gaps()
    {
        // 1200 lines of 300 bytes on each stream: more than one 256 KiB page, and past the 1000-line ring per stream.
        await Start(Shell("both-streams", """
            i=1; pad=$(printf '%0280d' 0)
            while [ $i -le 1200 ]; do echo "out $i $pad"; echo "err $i $pad" >&2; i=$((i+1)); done
            """));
        await AwaitExit("both-streams");

        var stdout = await ReadOutput(new JObject { ["name"] = "both-streams", ["stream"] = "stdout", ["tail"] = 3 });
        Assert.Equal(Enumerable.Range(1198, 3).Select(i => $"out {i} {new string('0', 280)}"), Texts(stdout));
        Assert.Equal(200, stdout["dropped"]!.Value<long>()); // 1200 written, 1000 kept
        Assert.Equal(0, stdout["exit_code"]!.Value<int>());
        Assert.False(stdout["running"]!.Value<bool>());

        // Page through both streams: every kept line exactly once, in sequence order, each stream in its own order.
        var seqs = new List<long>();
        var outs = new List<string>();
        var errs = new List<string>();
        long since = 0;
        var pages = 0;
        for (; pages < 20; pages++)
        {
            var page = await ReadOutput(new JObject { ["name"] = "both-streams", ["since_seq"] = since });
            var lines = (JArray)page["lines"]!;
            if (lines.Count == 0) break;
            foreach (var line in lines)
            {
                seqs.Add((long)line["seq"]!);
                Assert.Equal(JTokenType.Date, line["ts"]!.Type); // an ISO 8601 timestamp, which Json.NET reads as a date
                ((string)line["stream"]! == "stdout" ? outs : errs).Add((string)line["text"]!);
            }
            since = page["next_seq"]!.Value<long>();
        }
        Assert.True(pages >= 3, $"2000 lines of 300 bytes fit in {pages} pages; expected paging");
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(seqs.Count, seqs.Distinct().Count());
        Assert.Equal(Enumerable.Range(201, 1000).Select(i => $"out {i} {new string('0', 280)}"), outs);
        Assert.Equal(Enumerable.Range(201, 1000).Select(i => $"err {i} {new string('0', 280)}"), errs);
        Assert.Equal(2400, since); // the last page's next_seq is the last line written
    }

    [Fact]
    public async Task Following_through_the_hub_delivers_each_line_within_200_ms_and_ends_with_the_exit_code()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        // One follow to the end first: the lag bound is for a warm hub and node. Cold, the first follow of a fresh
        // Debug build once took 501 ms for its first line (JIT of the whole path on 2 shared cores).
        await Start(Shell("warm-up", "sleep 0.2; echo warm"));
        var warm = await http.GetStringAsync($"{Mesh.Hub.BaseUrl}/hosts/{Node}/processes/warm-up/output?follow=true").WaitAsync(Settle);
        Assert.Contains("warm", warm);
        var pid = await Start(Shell("ticker", """
            sleep 0.5; for i in 1 2 3 4 5 6; do echo "tick $i $(date +%s%N)"; sleep 0.3; done; echo "done" >&2; exit 7
            """));
        using var response = await http.GetAsync($"{Mesh.Hub.BaseUrl}/hosts/{Node}/processes/ticker/output?follow=true", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString());
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var lines = new List<string>();
        var lags = new List<double>();
        var deadline = Stopwatch.StartNew();
        while (await reader.ReadLineAsync().WaitAsync(Settle) is { } line)
        {
            lines.Add(line);
            if (TickTime().Match(line) is { Success: true } tick)
                lags.Add((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000.0 - double.Parse(tick.Groups[1].Value)) / 1_000_000.0);
            Assert.True(deadline.Elapsed < Settle, "the follow did not end");
        }

        Assert.Equal(6, lags.Count);
        Assert.All(lags, lag => Assert.True(lag < 200, $"a line arrived {lag:0} ms after it was printed: {string.Join(", ", lags.Select(l => l.ToString("0")))}"));
        Assert.Equal("done", lines[^2]);
        Assert.Equal($"[bluezero] pid {pid} exited: exit_code=7", lines[^1]);
    }

    [Fact]
    public async Task Output_files_rotate_at_the_configured_size_and_keep_the_configured_count()
    {
        // 3000 lines of 108 bytes (with the timestamp): 324 KB through 64 KiB files.
        await Start(Shell("rotating", "i=1; while [ $i -le 3000 ]; do printf 'rotation-marker %05d %060d\\n' $i 0; i=$((i+1)); done"));
        await AwaitExit("rotating");

        var directory = await Polling.UntilValue(() => Task.FromResult(FindOutputDirectory("rotation-marker 03000")), d => d is not null, Settle,
            "the output files to hold the last line", Mesh.Diagnostics);
        var files = Directory.GetFiles(directory!, "stdout.log*").Select(f => Path.GetFileName(f)).Order().ToArray();
        Assert.Equal(["stdout.log", "stdout.log.1", "stdout.log.2"], files);
        foreach (var file in files)
            Assert.InRange(new FileInfo(Path.Combine(directory!, file!)).Length, 1, ObservationFixture.FileBytes);
        const int lineBytes = 25 + 82 + 1; // timestamp and space, the line, the newline
        Assert.Equal(ObservationFixture.FileBytes / lineBytes, File.ReadAllLines(Path.Combine(directory!, "stdout.log.1")).Length);
        var newest = File.ReadAllLines(Path.Combine(directory!, "stdout.log"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z rotation-marker 03000 0{60}$", newest[^1]);
    }

    private string? FindOutputDirectory(string lastLineContains) =>
        Directory.Exists(fixture.OutputDirectory)
            ? Directory.GetDirectories(fixture.OutputDirectory).FirstOrDefault(d =>
                File.Exists(Path.Combine(d, "stdout.log")) && File.ReadAllLines(Path.Combine(d, "stdout.log")).LastOrDefault()?.Contains(lastLineContains, StringComparison.Ordinal) == true)
            : null;

    [Fact]
    public async Task A_process_writing_50_MB_quickly_leaves_the_node_serving_and_its_memory_bounded()
    {
        var rssBefore = RssBytes(fixture.NodeProcess.Pid);
        var sleeper = await Mesh.StartSleep(Node);
        var started = Stopwatch.StartNew();
        await Start(Shell("flood", "yes 'flood 012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012' | head -c 50000000"));

        // While it floods, the node answers other requests promptly.
        var latencies = new List<double>();
        var peakRss = rssBefore;
        while (started.Elapsed < Settle)
        {
            var ask = Stopwatch.StartNew();
            var status = await Mesh.Hub.QueryStatus(Node, sleeper);
            latencies.Add(ask.Elapsed.TotalMilliseconds);
            Assert.True(status["running"]!.Value<bool>());
            peakRss = Math.Max(peakRss, RssBytes(fixture.NodeProcess.Pid));
            var flood = await Mesh.Hub.Routed(Node, "query_process_status", new JObject { ["name"] = "flood" });
            if (flood["running"]?.Value<bool>() == false) break;
        }
        // The process can be gone while the node still drains the last of its pipe: "final" says the output is complete.
        JObject last = null!;
        await Polling.Until(async () =>
            (last = await ReadOutput(new JObject { ["name"] = "flood", ["stream"] = "stdout", ["tail"] = 1 }))["final"]?.Value<bool>() == true,
            Settle, "the flood's output to be complete", Mesh.Diagnostics, Polling.FinePollInterval);
        Assert.False(last["running"]!.Value<bool>(), "the flood did not finish in time");

        // 50,000,000 bytes of 100-byte lines (newline included): 500,000 lines, all but the 1000 of the ring dropped from memory.
        Assert.Equal(["flood " + string.Concat(Enumerable.Repeat("0123456789", 9)) + "012"], Texts(last));
        Assert.Equal(500_000, last["next_seq"]!.Value<long>());
        Assert.Equal(499_000, last["dropped"]!.Value<long>());
        Assert.True(latencies.Max() < 1000, $"a query took {latencies.Max():0} ms during the flood");
        Assert.True(peakRss - rssBefore < 150L * 1024 * 1024, $"node RSS grew from {rssBefore >> 20} MiB to {peakRss >> 20} MiB");
        var directory = Path.Combine(fixture.OutputDirectory);
        var onDisk = Directory.GetFiles(directory, "stdout.log*", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("flood 0123")).Sum(f => new FileInfo(f).Length);
        Assert.InRange(onDisk, 1, ObservationFixture.FileBytes * ObservationFixture.Files);
    }

    private static long RssBytes(int pid) =>
        long.Parse(File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;

    [Fact]
    public async Task Stdin_text_is_written_once_and_closed_and_discarded_output_is_refused_clearly()
    {
        await Start(new JObject { ["path"] = "/bin/cat", ["name"] = "cat-stdin", ["stdin"] = "first line\nsecond ünï line\n" });
        await AwaitExit("cat-stdin"); // cat only ends once stdin is closed
        Assert.Equal(["first line", "second ünï line"], Texts(await ReadOutput(new JObject { ["name"] = "cat-stdin" })));

        await Start(new JObject { ["path"] = "/bin/echo", ["args"] = new JArray("quiet"), ["name"] = "discarded", ["output"] = "discard" });
        var refused = await ReadOutput(new JObject { ["name"] = "discarded" });
        Assert.Equal("output of name discarded is not captured (output: discard)", (string?)refused["error_message"]);
        var http = await Mesh.Hub.Send(HttpMethod.Get, $"/hosts/{Node}/processes/discarded/output");
        Assert.Equal(409, http.Status);
        Assert.Equal("output of name discarded is not captured (output: discard)", (string?)http.Json["error_message"]);
    }

    [Fact]
    public async Task Bad_follow_requests_get_json_errors_and_the_hub_keeps_serving()
    {
        var cases = new (string Path, int Status, string Error)[]
        {
            ($"/hosts/{Node}/processes/no-such-name/output", 404, "no such name: no-such-name"),
            ("/hosts/no-such-host/processes/1/output", 404, "unknown host"),
            ($"/hosts/{Node}/processes/1/output?follow=sometimes", 400, "invalid value for field follow: must be true or false"),
            ($"/hosts/{Node}/processes/1/output?stream=stdin", 400, "invalid value for field stream: must be one of stdout, stderr, both"),
            ($"/hosts/{Node}/processes/1/output?tail=-3", 400, "invalid value for field tail: must be 0 or more lines"),
        };
        foreach (var (path, status, error) in cases)
        {
            var reply = await Mesh.Hub.Send(HttpMethod.Get, path);
            Assert.Equal(status, reply.Status);
            Assert.Equal(error, (string?)reply.Json["error_message"]);
        }
        Assert.NotEmpty(await Mesh.Hub.Hosts());
    }

    [Fact]
    public async Task Followers_that_disconnect_leave_the_process_and_the_mesh_unaffected()
    {
        await Start(Shell("chatty", "i=0; while [ $i -lt 100000 ]; do echo \"chat $i\"; i=$((i+1)); sleep 0.01; done"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        for (var round = 0; round < 2; round++)
        {
            var followers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
            {
                var response = await http.GetAsync($"{Mesh.Hub.BaseUrl}/hosts/{Node}/processes/chatty/output?follow=true", HttpCompletionOption.ResponseHeadersRead);
                var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
                for (var i = 0; i < 5; i++) Assert.StartsWith("chat ", await reader.ReadLineAsync().WaitAsync(Settle));
                return (response, reader);
            }));
            foreach (var (response, reader) in followers)
            {
                reader.Dispose();
                response.Dispose(); // the client goes away mid-stream
            }
        }
        var status = await Mesh.Hub.Routed(Node, "query_process_status", new JObject { ["name"] = "chatty" });
        Assert.Equal("running", (string?)status["state"]);
        // A new follower still gets fresh lines at once.
        using var last = await http.GetAsync($"{Mesh.Hub.BaseUrl}/hosts/{Node}/processes/chatty/output?follow=true&tail=0", HttpCompletionOption.ResponseHeadersRead);
        using var lastReader = new StreamReader(await last.Content.ReadAsStreamAsync());
        Assert.StartsWith("chat ", await lastReader.ReadLineAsync().WaitAsync(Settle));
        await Mesh.Hub.Routed(Node, "stop_process", new JObject { ["name"] = "chatty", ["wait"] = true });
    }

    [Fact]
    public async Task Followers_of_one_process_sharing_reads_each_get_every_line_once_in_order()
    {
        // 900 lines in bursts, read over several beats in pages that followers share (SharedPageReads). All 900 fit in
        // the node's 1000-line ring, so followers that reach the node late (a loaded machine) still get them all from
        // since_seq=0. A third follower joins later, at another point of the output: the writer holds at line 450 until
        // it has its first line, and it must then get every line from there on, once.
        var gate = Path.Combine(Mesh.WorkDir, "shared-followers-gate");
        var pid = await Start(Shell("shared", $$"""
            sleep 0.5; i=1
            while [ $i -le 900 ]; do
              echo "line $i"
              if [ $i -eq 450 ]; then n=0; while [ ! -e '{{gate}}' ] && [ $n -lt 500 ]; do sleep 0.02; n=$((n+1)); done; fi
              i=$((i+1)); [ $((i % 25)) -eq 0 ] && sleep 0.01
            done
            exit 3
            """));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        async Task<List<string>> Follow(string query, Action? onFirstLine = null)
        {
            using var response = await http.GetAsync($"{Mesh.Hub.BaseUrl}/hosts/{Node}/processes/shared/output?follow=true&{query}", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(200, (int)response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var lines = new List<string>();
            while (await reader.ReadLineAsync().WaitAsync(Settle) is { } line)
            {
                lines.Add(line);
                if (lines.Count == 1) onFirstLine?.Invoke();
            }
            return lines;
        }
        var first = Follow("since_seq=0");
        var second = Follow("since_seq=0");
        await Polling.Until(async () => Texts(await ReadOutput(new JObject { ["name"] = "shared", ["tail"] = 1 })) is [var last] && last != "line 1",
            Settle, "the writer to get going", Mesh.Diagnostics, Polling.FinePollInterval);
        var late = await Follow("tail=1", onFirstLine: () => File.WriteAllText(gate, ""));

        var exitLine = $"[bluezero] pid {pid} exited: exit_code=3";
        foreach (var lines in await Task.WhenAll(first, second))
            Assert.Equal(Enumerable.Range(1, 900).Select(i => $"line {i}").Append(exitLine), lines);
        var joinedAt = int.Parse(late[0]["line ".Length..]);
        Assert.InRange(joinedAt, 2, 450);
        Assert.Equal(Enumerable.Range(joinedAt, 901 - joinedAt).Select(i => $"line {i}").Append(exitLine), late);
    }

    private static JObject Restarting(string name) => new()
    {
        ["path"] = "/bin/sh", ["args"] = new JArray("-c", "echo hi; exit 1"), ["name"] = name,
        ["restart"] = JObject.Parse("""{"policy":"on-failure","max_restarts":2,"backoff":{"initial_ms":100,"jitter":0}}"""),
    };

    [Fact]
    public async Task Following_a_restarting_process_marks_the_start_of_runs_2_and_3_in_order()
    {
        await Start(Restarting("marked-follow"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var followed = await http.GetStringAsync($"{Mesh.Hub.BaseUrl}/hosts/{Node}/processes/marked-follow/output?follow=true").WaitAsync(Settle);

        var lines = followed.TrimEnd('\n').Split('\n');
        Assert.Equal(6, lines.Length);
        Assert.Equal("hi", lines[0]);
        Assert.Matches(@"^\[bluezero\] run 2 started: pid \d+$", lines[1]);
        Assert.Equal("hi", lines[2]);
        Assert.Matches(@"^\[bluezero\] run 3 started: pid \d+$", lines[3]);
        Assert.Equal("hi", lines[4]);
        var lastPid = lines[3].Split(' ')[^1];
        Assert.Equal($"[bluezero] pid {lastPid} exited: exit_code=1", lines[5]);
    }

    [Fact]
    public async Task Read_output_of_a_restarting_process_holds_the_run_markers_in_either_stream()
    {
        await Start(Restarting("marked-read"));
        await Polling.Until(async () => (await ReadOutput(new JObject { ["name"] = "marked-read" }))["final"]?.Value<bool>() == true,
            Settle, "marked-read to fail for good", Mesh.Diagnostics, Polling.FinePollInterval);

        var stdout = await ReadOutput(new JObject { ["name"] = "marked-read", ["stream"] = "stdout" });
        Assert.Equal(["stdout", "bluezero", "stdout", "bluezero", "stdout"], ((JArray)stdout["lines"]!).Select(l => (string)l["stream"]!));
        Assert.Matches(@"^\[bluezero\] run 2 started: pid \d+$", Texts(stdout)[1]);
        Assert.Matches(@"^\[bluezero\] run 3 started: pid \d+$", Texts(stdout)[3]);
        var stderr = await ReadOutput(new JObject { ["name"] = "marked-read", ["stream"] = "stderr" });
        Assert.Equal([Texts(stdout)[1], Texts(stdout)[3]], Texts(stderr));
    }

    [Fact]
    public async Task Next_seq_of_one_stream_is_the_newest_seq_of_either_stream()
    {
        await Start(Shell("seq-one-stream", "i=1; while [ $i -le 20 ]; do echo out $i; i=$((i+1)); done; echo err >&2"));
        await AwaitExit("seq-one-stream");
        await Polling.Until(async () => (await ReadOutput(new JObject { ["name"] = "seq-one-stream" }))["final"]?.Value<bool>() == true,
            Settle, "the output to be complete", Mesh.Diagnostics, Polling.FinePollInterval);

        var stdout = await ReadOutput(new JObject { ["name"] = "seq-one-stream", ["stream"] = "stdout" });
        Assert.Equal(20, ((JArray)stdout["lines"]!).Last!["seq"]!.Value<long>());
        Assert.Equal(21, stdout["next_seq"]!.Value<long>()); // line 21 is stderr's: nothing of stdout is skipped
        Assert.Empty(Texts(await ReadOutput(new JObject { ["name"] = "seq-one-stream", ["stream"] = "stdout", ["since_seq"] = 21 })));
    }

    [Fact]
    public async Task Since_seq_beyond_the_newest_line_gets_no_lines_and_the_newest_seq_as_next_seq()
    {
        await Start(Shell("seq-beyond", "echo one; echo two"));
        await AwaitExit("seq-beyond");
        await Polling.Until(async () => (await ReadOutput(new JObject { ["name"] = "seq-beyond" }))["final"]?.Value<bool>() == true,
            Settle, "the output to be complete", Mesh.Diagnostics, Polling.FinePollInterval);

        var beyond = await ReadOutput(new JObject { ["name"] = "seq-beyond", ["since_seq"] = 100 });
        Assert.Empty(Texts(beyond));
        Assert.Equal(2, beyond["next_seq"]!.Value<long>());
    }

    /// <summary>A hub stops in about a second; the follower's long poll of the node once held it for 10 s.</summary>
    private static readonly TimeSpan HubStopsWithin = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_hub_stopped_with_SIGTERM_while_a_client_follows_a_quiet_process_exits_at_once_and_ends_the_follow()
    {
        const string host = "follow-stop-hub";
        await using var mesh = LocalMesh.Create();
        var hub = await mesh.StartHub(host);
        var reply = await mesh.Hub.Routed(host, "start_process", Shell("quiet", "echo ready; exec sleep 300"));
        mesh.Track(reply["pid"]!.Value<int>());
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync($"{mesh.Hub.BaseUrl}/hosts/{host}/processes/quiet/output?follow=true", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("ready", await reader.ReadLineAsync().WaitAsync(Settle));
        // Past the follower's beat after a line: its next read is the node's long poll, the wait that held the stop.
        await Task.Delay(TimeSpan.FromMilliseconds(5 * OutputFollowing.BatchPeriodMs));

        var clock = Stopwatch.StartNew();
        hub.Signal(PosixSignal.SIGTERM);
        Assert.True(await hub.WaitForExit(HubStopsWithin), $"the hub survived SIGTERM for {HubStopsWithin.TotalSeconds} s with a follower open\n{hub.OutputTail()}");
        output.WriteLine($"the hub exited {clock.Elapsed.TotalSeconds:0.00} s after SIGTERM");
        try
        {
            Assert.Null(await reader.ReadLineAsync().WaitAsync(Settle));
        }
        catch (IOException)
        {
            // cut rather than ended: either way the follower is not left hanging
        }
    }

    [GeneratedRegex(@"^tick \d (\d+)$")]
    private static partial Regex TickTime();
}
