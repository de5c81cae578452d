using System.Text;
using BlueZero.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace BlueZero.Tests.EndToEnd;

/// <summary>
/// Bad HTTP input at the hub's front door gets a JSON error with the right status (docs/PROTOCOL.md §9), never a
/// crash or a hang, and the hub keeps serving normal requests afterwards.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HostileHttpTests(HubAndRemoteNodeFixture fixture) : IClassFixture<HubAndRemoteNodeFixture>
{
    private const string Hub = HubAndRemoteNodeFixture.HubHost;
    private const int TwoMiB = 2 * 1024 * 1024;

    private HubClient Client => fixture.Mesh.Hub;

    public static TheoryData<string, string, string> BadRequests => new()
    {
        { "malformed JSON", """{"list_active_processes":{}""", "malformed JSON: unexpected end of input at byte 27" },
        { "trailing content", """{"list_active_processes":{}} x""", "malformed JSON: unexpected content after the JSON value at byte 29" },
        { "trailing comma", $$$"""{"host_name":"{{{Hub}}}","list_processes":{},}""", $"malformed JSON: trailing comma at byte {Hub.Length + 35}" },
        { "misspelt operation", $$$"""{"host_name":"{{{Hub}}}","start_proces":{}}""", "unknown operation: start_proces (did you mean start_process?)" },
        { "not an object", "[]", "request must be a JSON object" },
        { "empty body", "", "empty request: expected a JSON object such as {\"list_active_processes\":{}}" },
        { "wrong type of path", $$$"""{"host_name":"{{{Hub}}}","start_process":{"path":42}}""", "wrong type for field start_process.path: expected a string" },
        { "pid as a string", $$$"""{"host_name":"{{{Hub}}}","stop_process":{"pid":"42"}}""", "wrong type for field stop_process.pid: expected a positive integer" },
        { "host_name as a number", """{"host_name":3,"list_active_processes":{}}""", "wrong type for field host_name: expected a non-empty string" },
        { "unknown operation", $$$"""{"host_name":"{{{Hub}}}","reboot":{}}""", "unknown operation: reboot" },
        { "two operations", $$$"""{"host_name":"{{{Hub}}}","list_active_processes":{},"query_process_status":{"pid":1}}""", "more than one operation: " },
        { "missing host_name", """{"stop_process":{"pid":1}}""", "missing field: host_name" },
        { "unknown field", $$$"""{"host_name":"{{{Hub}}}","start_process":{"path":"/bin/true","frobnicate":3}}""", "unknown field: start_process.frobnicate" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_request_gets_400_with_a_JSON_error(string what, string body, string errorPrefix)
    {
        var reply = await Client.Control(body);

        AssertJsonError(reply, 400, what);
        Assert.StartsWith(errorPrefix, (string)reply.Json["error_message"]!);
        await AssertHubStillServes();
    }

    [Fact]
    public async Task Bad_field_of_a_known_operation_gets_the_error_under_the_operation_key_too()
    {
        var reply = await Client.Control($$$"""{"host_name":"{{{Hub}}}","start_process":{"path":42}}""");

        Assert.Equal(400, reply.Status);
        const string error = "wrong type for field start_process.path: expected a string";
        Assert.Equal($$$"""{"success":false,"error_message":"{{{error}}}","start_process":{"success":false,"error_message":"{{{error}}}"}}""", reply.Body);
    }

    [Fact]
    public async Task Unknown_host_of_a_known_operation_gets_404_with_the_error_under_the_operation_key_too()
    {
        var reply = await Client.Control("""{"host_name":"no-such-host-anywhere","stop_process":{"pid":42}}""");

        Assert.Equal(404, reply.Status);
        Assert.Equal("""{"success":false,"error_message":"unknown host","stop_process":{"success":false,"error_message":"unknown host"}}""", reply.Body);
    }

    [Fact]
    public async Task Error_found_before_the_operation_is_known_has_the_top_level_form_only()
    {
        var reply = await Client.Control($$$"""{"host_name":"{{{Hub}}}","reboot":{}}""");

        Assert.Equal((400, """{"success":false,"error_message":"unknown operation: reboot"}"""), (reply.Status, reply.Body));
    }

    [Fact]
    public async Task Invalid_UTF8_gets_400_with_a_JSON_error()
    {
        var reply = await Client.Send(HttpMethod.Post, "/control", HubClient.BytesContent([(byte)'{', 0xC3, 0x28, (byte)'}']));

        AssertJsonError(reply, 400, "invalid UTF-8");
        Assert.Equal("request is not valid UTF-8", (string?)reply.Json["error_message"]);
        await AssertHubStillServes();
    }

    /// <summary>
    /// Sent by a client that reads while it sends (as curl does): the hub answers 413 early and closes. See
    /// <see cref="RawHttpExchange"/> for why HttpClient is not used here.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_2_MiB_body_gets_413_with_a_JSON_error(bool chunked)
    {
        var reply = await RawHttpExchange.Post(Client.BaseUrl, "/control", OversizedRequest(), chunked);

        AssertJsonError(reply, 413, chunked ? "2 MiB chunked body" : "2 MiB body with Content-Length");
        Assert.Equal("request body too large: the limit is 1048576 bytes", (string?)reply.Json["error_message"]);
        await AssertHubStillServes();
    }

    [Theory]
    [InlineData("GET", "/nope", 404)]
    [InlineData("POST", "/control/extra", 404)]
    [InlineData("GET", "/control", 405)]
    [InlineData("PUT", "/control", 405)]
    [InlineData("POST", "/hosts", 405)]
    public async Task Wrong_path_or_method_gets_a_JSON_error(string method, string path, int status)
    {
        var reply = await Client.Send(new HttpMethod(method), path);

        AssertJsonError(reply, status, $"{method} {path}");
        await AssertHubStillServes();
    }

    private static byte[] OversizedRequest()
    {
        // A well-formed request whose one argument makes it 2 MiB: only its size is wrong.
        var prefix = "{\"host_name\":\"" + Hub + "\",\"start_process\":{\"path\":\"/bin/true\",\"args\":[\"";
        const string suffix = "\"]}}";
        return Encoding.UTF8.GetBytes(prefix + new string('a', TwoMiB - prefix.Length - suffix.Length) + suffix);
    }

    private static void AssertJsonError(HubReply reply, int status, string what)
    {
        Assert.True(reply.Status == status, $"{what}: expected HTTP {status}, got {reply}");
        Assert.Equal("application/json", reply.ContentType);
        var json = reply.Json;
        Assert.Equal(JTokenType.Boolean, json["success"]?.Type);
        Assert.False((bool)json["success"]!);
        Assert.Equal(JTokenType.String, json["error_message"]?.Type);
        Assert.NotEmpty((string)json["error_message"]!);
    }

    private async Task AssertHubStillServes()
    {
        var reply = await Client.Control($$$"""{"host_name":"{{{Hub}}}","list_active_processes":{}}""");
        Assert.True(reply.Status == 200, reply.ToString());
        Assert.True((bool)reply.Json["success"]!);
        Assert.True((bool)reply.Json["list_active_processes"]!["success"]!);
    }
}
