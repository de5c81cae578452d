using Newtonsoft.Json.Linq;

namespace BlueZero.Tests.Support;

/// <summary>One HTTP exchange with the hub: status, content type, raw body, and how long it took.</summary>
public sealed record HubReply(int Status, string? ContentType, string Body, TimeSpan Elapsed)
{
    /// <summary>The body as a JSON object; throws with the raw body when it is not one.</summary>
    public JObject Json => JToken.Parse(Body) as JObject ?? throw new InvalidOperationException($"not a JSON object: {Body}");

    public override string ToString() => $"HTTP {Status} in {Elapsed.TotalMilliseconds:0} ms: {Body}";
}
