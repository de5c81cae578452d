using BlueZero.Hub.Security;
using BlueZero.Messages.Wire;
using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// The table of what a read token may do (docs/OPERATIONS.md, "Front door security") is the truth: it matches the
/// hub's read set and names every wire operation, and every row holds end to end on a secured hub. A read token gets
/// 403 exactly for the admin rows and otherwise the same answer as an admin token; an admin token is never refused.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReadTokenTableTests(SecuredHubFixture fixture) : IClassFixture<SecuredHubFixture>
{
    private const string Hub = SecuredHubFixture.HubHost;
    private const string HostsEndpoint = "GET /hosts";
    private const string OutputEndpoint = "GET /hosts/HOST/processes/PID_OR_NAME/output";
    private const string HealthEndpoint = "GET /health";
    private const string MetricsEndpoint = "GET /metrics";
    private const string EventsEndpoint = "GET /events";
    private const string EventStreamEndpoint = "GET /events/stream";

    private static readonly IReadOnlyDictionary<string, string> Roles = DocumentedRoles.Load();

    public static TheoryData<string> Rows() => new(Roles.Keys);

    private LocalMesh Mesh => fixture.Mesh;

    [Fact]
    public void The_table_names_every_operation_and_every_endpoint_once()
    {
        string[] expected = [.. WireOperations.All, HostsEndpoint, OutputEndpoint, HealthEndpoint, MetricsEndpoint, EventsEndpoint, EventStreamEndpoint];

        Assert.Equal(expected.Order(StringComparer.Ordinal), Roles.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_read_rows_of_the_table_are_the_hubs_read_set()
    {
        var documentedReads = WireOperations.All.Where(op => Roles.GetValueOrDefault(op) == DocumentedRoles.Read);

        Assert.Equal(BearerAuthentication.ReadOperations.Order(StringComparer.Ordinal), documentedReads.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_read_token_is_refused_exactly_the_admin_rows_and_an_admin_token_nothing(string row)
    {
        var target = await StartTarget();
        using var reader = new HubClient(Mesh.Hub.BaseUrl, SecuredHubFixture.ReadToken);
        using var anonymous = new HubClient(Mesh.Hub.BaseUrl);

        // plan_status reads a plan that exists: the admin applies it first.
        if (row == WireOperations.PlanStatus)
            Assert.True((await Mesh.Hub.Control(new JObject { [WireOperations.ApplyPlan] = new JObject { ["plan"] = PlanOnTheHub() } })).IsSuccess);
        foreach (var (method, path, body) in RequestsFor(row, target))
        {
            HttpContent? Content() => body is null ? null : HubClient.JsonContent(body.ToString());
            // The stream never ends by itself: its answer is judged by its status and headers.
            Task<HubReply> Exchange(HubClient client) =>
                row == EventStreamEndpoint ? client.SendForHeaders(method, path) : client.Send(method, path, Content());
            var asReader = await Exchange(reader);
            var asAdmin = await Exchange(Mesh.Hub);
            var what = $"{row}: {method} {path} {body}\n read token: {asReader}\n admin token: {asAdmin}";

            Assert.True(asAdmin.Status is not (401 or 403), what);
            if (Roles[row] == DocumentedRoles.Admin)
            {
                Assert.True(asReader.Status == 403, what);
                Assert.Equal(ErrorTexts.Forbidden(row, SecuredHubFixture.ReadName), (string?)asReader.Json["error_message"]);
                continue;
            }
            Assert.True(asReader.IsSuccess && asAdmin.IsSuccess, what);
            Assert.True(asReader.Status == asAdmin.Status, what);
            if (Roles[row] == DocumentedRoles.None)
                Assert.True((await Exchange(anonymous)).IsSuccess, what);
        }
        // An open stream holds one of its client's request slots (this hub has two) until the hub sees it closed.
        if (row == EventStreamEndpoint)
            await Polling.Until(async () => (await Mesh.Hub.Send(HttpMethod.Get, "/health")).Status == 200, TimeSpan.FromSeconds(10),
                "the closed streams gave their request slots back", Mesh.Diagnostics);
    }

    /// <summary>A process that prints a line and exits, so that reads of it succeed and a follow of it ends.</summary>
    private async Task<string> StartTarget()
    {
        var name = $"role-table-{Guid.NewGuid():N}";
        var started = await Mesh.Hub.Routed(Hub, WireOperations.StartProcess,
            new JObject { ["path"] = "/bin/sh", ["name"] = name, ["args"] = new JArray("-c", "echo role table") });
        Mesh.Track(started["pid"]!.Value<int>());
        return name;
    }

    /// <summary>The requests that exercise one row of the table; a new row needs its requests here.</summary>
    private static IEnumerable<(HttpMethod Method, string Path, JObject? Body)> RequestsFor(string row, string target)
    {
        var output = $"/hosts/{Hub}/processes/{target}/output";
        return row switch
        {
            HostsEndpoint => [(HttpMethod.Get, "/hosts", null)],
            OutputEndpoint => [(HttpMethod.Get, output, null), (HttpMethod.Get, output + "?follow=true", null)],
            HealthEndpoint => [(HttpMethod.Get, "/health", null)],
            MetricsEndpoint => [(HttpMethod.Get, "/metrics", null)],
            EventsEndpoint => [(HttpMethod.Get, "/events?type=hub_started", null)],
            EventStreamEndpoint => [(HttpMethod.Get, "/events/stream?type=hub_started", null)],
            // The hub's own history: no host_name.
            WireOperations.Events => [(HttpMethod.Post, "/control", new JObject { [row] = new JObject { ["limit"] = 1 } })],
            // Answered by the hub itself, with its host_name inside: a host never registered gets 404 unknown host.
            WireOperations.ForgetHost => [(HttpMethod.Post, "/control", new JObject { [row] = new JObject { ["host_name"] = "never-registered" } })],
            // Launch plans: no host_name; a plan that does not exist is 404 for the roles that may ask.
            WireOperations.ListPlans => [(HttpMethod.Post, "/control", new JObject { [row] = new JObject() })],
            WireOperations.PlanStatus => [(HttpMethod.Post, "/control", new JObject { [row] = new JObject { ["name"] = TokenTablePlan } })],
            WireOperations.RemovePlan => [(HttpMethod.Post, "/control", new JObject { [row] = new JObject { ["name"] = "never-applied" } })],
            WireOperations.ApplyPlan => [(HttpMethod.Post, "/control", new JObject { [row] = new JObject { ["plan"] = PlanOnTheHub(), ["dry_run"] = true } })],
            _ => [(HttpMethod.Post, "/control", new JObject { ["host_name"] = Hub, [row] = OperationBody(row, target) })],
        };
    }

    private const string TokenTablePlan = "token-table";

    private static JObject PlanOnTheHub() => new()
    {
        ["name"] = TokenTablePlan, ["processes"] = new JArray(new JObject { ["name"] = "one", ["host"] = Hub, ["path"] = "/bin/sleep", ["args"] = new JArray("300") }),
    };

    private static JObject OperationBody(string operation, string target) => operation switch
    {
        WireOperations.StartProcess => new JObject { ["path"] = "/bin/true" },
        WireOperations.StopProcess or WireOperations.RestartProcess or WireOperations.QueryProcessStatus or WireOperations.Unschedule
            or WireOperations.ReadOutput or WireOperations.ProcessStats => new JObject { ["name"] = target },
        WireOperations.ListActiveProcesses or WireOperations.ListProcesses or WireOperations.KillAll
            or WireOperations.NodeState or WireOperations.HostInfo => new JObject(),
        _ => throw new InvalidOperationException($"no example request for {operation}: add one to {nameof(ReadTokenTableTests)}"),
    };
}
