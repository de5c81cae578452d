using Newtonsoft.Json.Linq;

namespace BlueZero.Tests.Support;

/// <summary>One HTTP exchange with the hub: status, content type, raw body, and how long it took.</summary>
/// <param name="Headers">The response headers, where the exchange kept them (raw exchanges do).</param>
public sealed record HubReply(int Status, string? ContentType, string Body, TimeSpan Elapsed, IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>The body as a JSON object; throws with the raw body when it is not one.</summary>
    public JObject Json => JToken.Parse(Body) as JObject ?? throw new InvalidOperationException($"not a JSON object: {Body}");

    /// <summary>A 2xx answer whose JSON, if any, says success at the top and inside the operation's reply.</summary>
    public bool IsSuccess => IsSuccessful(Status, ContentType, Body);

    public static bool IsSuccessful(int status, string? contentType, string body)
    {
        if (status is < 200 or > 299) return false;
        if (contentType?.StartsWith("application/json", StringComparison.Ordinal) != true) return true;
        var json = JObject.Parse(body);
        return json["success"]?.Value<bool>() != false
               && json.Properties().All(p => p.Value is not JObject reply || reply["success"]?.Value<bool>() != false);
    }

    public override string ToString() => $"HTTP {Status} in {Elapsed.TotalMilliseconds:0} ms: {Body}";
}
