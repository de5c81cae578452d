using System.Net;
using BlueZero.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// The hub's per-client limit queues a burst instead of refusing it (docs/OPERATIONS.md, "Limits and audit"): with 2
/// requests of one client address in progress and 198 waiting, 200 at once all succeed, only one more gets 429 with
/// Retry-After, and clients that hold one address's slots and queue (slow loris) make no other address wait. The
/// limit is per address, so the other client connects from 127.0.0.2 (all of 127.0.0.0/8 is loopback on Linux).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClientQueueTests(QueueingHubFixture fixture, ITestOutputHelper output) : IClassFixture<QueueingHubFixture>
{
    private const int Capacity = QueueingHubFixture.InProgress + QueueingHubFixture.Queued;
    private static readonly IPAddress OneClient = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress OtherClient = IPAddress.Parse("127.0.0.2");
    private static readonly TimeSpan RefusedWithin = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan NormalLatencyLimit = TimeSpan.FromSeconds(1);
    private static readonly string ListActive = $$$"""{"host_name":"{{{QueueingHubFixture.HubHost}}}","list_active_processes":{}}""";

    private LocalMesh Mesh => fixture.Mesh;

    [Fact]
    public async Task A_burst_of_200_concurrent_requests_from_one_address_all_succeed()
    {
        // Each on its own connection, so all 200 are at the hub at once: 2 in progress, 198 waiting their turn.
        using var burst = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = Capacity });
        var replies = await Task.WhenAll(Enumerable.Range(0, Capacity).Select(async _ =>
        {
            using var response = await burst.PostAsync($"{Mesh.Hub.BaseUrl}/control", HubClient.JsonContent(ListActive));
            return new HubReply((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(), TimeSpan.Zero);
        }));

        var failed = replies.Where(r => !r.IsSuccess).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {Capacity} requests failed: {string.Join("; ", failed.Take(5))}");
    }

    [Fact]
    public async Task A_request_beyond_the_queue_gets_429_with_Retry_After_and_the_queued_ones_are_served()
    {
        var held = await HoldEverySlotAndOneMore(OneClient);
        try
        {
            // Answered before its body was complete; the rest is sent only so that the hub closes the connection at once.
            var refused = Assert.Single(held, h => h.Answered);
            var reply = await refused.Release();
            Assert.Equal(429, reply.Status);
            Assert.Equal("application/json", reply.ContentType);
            Assert.Equal("1", reply.Headers!["Retry-After"]);
            Assert.Equal($"too many requests: at most {QueueingHubFixture.InProgress} at a time and {QueueingHubFixture.Queued} waiting from one client address",
                (string?)reply.Json["error_message"]);

            var served = await Task.WhenAll(held.Where(h => h != refused).Select(h => h.Release()));
            Assert.All(served, r => Assert.True(r.IsSuccess, r.ToString()));
        }
        finally
        {
            foreach (var request in held) request.Dispose();
        }
    }

    [Fact]
    public async Task Slow_loris_clients_holding_every_slot_of_one_address_do_not_make_another_address_wait()
    {
        var held = await HoldEverySlotAndOneMore(OneClient);
        try
        {
            var latencies = new List<TimeSpan>();
            for (var i = 0; i < 5; i++)
            {
                using var other = await HeldRequest.Open(Mesh.Hub.BaseUrl, OtherClient, "/control", ListActive);
                var reply = await other.Release();
                Assert.True(reply.IsSuccess, $"a request from {OtherClient} while {OneClient} holds every slot: {reply}");
                latencies.Add(reply.Elapsed);
            }
            output.WriteLine($"requests from {OtherClient}: {string.Join(", ", latencies.Select(l => $"{l.TotalMilliseconds:0} ms"))}");
            Assert.True(latencies.Max() < NormalLatencyLimit, $"a request from {OtherClient} took {latencies.Max().TotalMilliseconds:0} ms");

            // The held ones were only waiting: each is served once it is complete (all but the one refused).
            var served = await Task.WhenAll(held.Where(h => !h.Answered).Select(h => h.Release()));
            Assert.Equal(Capacity, served.Count(r => r.IsSuccess));
        }
        finally
        {
            foreach (var request in held) request.Dispose();
        }
    }

    /// <summary>
    /// Holds <see cref="Capacity"/> + 1 incomplete requests from <paramref name="client"/>: 2 take the slots, 198 wait,
    /// and whichever reaches the hub last finds the queue full. Returns once the hub has answered that one.
    /// </summary>
    private async Task<List<HeldRequest>> HoldEverySlotAndOneMore(IPAddress client)
    {
        var held = new List<HeldRequest>();
        try
        {
            for (var i = 0; i < Capacity + 1; i++) held.Add(await HeldRequest.Open(Mesh.Hub.BaseUrl, client, "/control", ListActive));
            await Polling.Until(() => held.Any(h => h.Answered), RefusedWithin, "one held request is refused", Mesh.Diagnostics);
            return held;
        }
        catch
        {
            foreach (var request in held) request.Dispose();
            throw;
        }
    }
}
