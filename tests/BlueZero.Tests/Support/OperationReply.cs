using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace BlueZero.Tests.Support;

/// <summary>
/// The operation part of a routed reply, <c>{"start_process":{"success":true,"pid":42}}</c>: the hub form without its
/// top-level <c>"success":true</c>, which is all that the reply's own fields are compared against.
/// </summary>
public static class OperationReply
{
    public static string Of(string operation, INodeReply reply)
    {
        // Dates stay strings, so timestamps are compared exactly as written.
        using var reader = new JsonTextReader(new StringReader(WireResponseWriter.HubForm(operation, reply))) { DateParseHandling = DateParseHandling.None };
        var root = JObject.Load(reader);
        if (!root.Remove("success")) throw new InvalidOperationException("a routed reply without a top-level success");
        return root.ToString(Formatting.None);
    }
}
