using Newtonsoft.Json.Linq;
using Xunit;

namespace BlueZero.Tests.Support;

/// <summary>GET /events through a mesh's hub, for the event-history tests.</summary>
public static class MeshEvents
{
    /// <summary>The events GET /events?<paramref name="query"/> answers (it must answer 200).</summary>
    public static async Task<JArray> Query(LocalMesh mesh, string query)
    {
        var reply = await mesh.Hub.Send(HttpMethod.Get, "/events?" + query);
        Assert.True(reply.Status == 200, reply.ToString());
        return (JArray)reply.Json["events"]!;
    }

    /// <summary>Polls until the query answers at least <paramref name="count"/> events; returns them.</summary>
    public static Task<JArray> AwaitCount(LocalMesh mesh, string query, int count, TimeSpan within) =>
        Polling.UntilValue(() => Query(mesh, query), events => events.Count >= count, within, $"{count} event(s) for {query}", mesh.Diagnostics);
}
