using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace BlueZero.Bench;

/// <summary>
/// Just enough XML-RPC for supervisord: string and boolean parameters, any reply value, faults as errors. One
/// kept-alive connection; each call is timed like a hub request, from sending to having read the whole reply.
/// </summary>
internal sealed class XmlRpcClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _endpoint;

    public XmlRpcClient(Uri endpoint)
    {
        _endpoint = endpoint;
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 1 })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Calls <paramref name="method"/>; returns the reply's &lt;value&gt; and the time taken. A fault throws.</summary>
    public async Task<(XElement Value, double Ms)> CallAsync(string method, IReadOnlyList<object> args, CancellationToken ct)
    {
        using var content = new StringContent(Request(method, args), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml");
        var t0 = Stopwatch.GetTimestamp();
        string reply;
        try
        {
            using var response = await _http.PostAsync(_endpoint, content, ct);
            reply = await response.Content.ReadAsStringAsync(ct);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new BenchmarkException($"XML-RPC {method} failed: {ex.Message}");
        }
        var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        return (ReplyValue(method, reply), ms);
    }

    public void Dispose() => _http.Dispose();

    private static string Request(string method, IReadOnlyList<object> args)
    {
        var parameters = string.Concat(args.Select(arg => $"<param><value>{Value(arg)}</value></param>"));
        return $"<?xml version=\"1.0\"?><methodCall><methodName>{SecurityElement.Escape(method)}</methodName><params>{parameters}</params></methodCall>";
    }

    private static string Value(object arg) => arg switch
    {
        string s => $"<string>{SecurityElement.Escape(s)}</string>",
        bool b => $"<boolean>{(b ? 1 : 0)}</boolean>",
        _ => throw new ArgumentException($"no XML-RPC encoding here for {arg.GetType().Name}", nameof(arg)),
    };

    private static XElement ReplyValue(string method, string reply)
    {
        try
        {
            var response = XDocument.Parse(reply).Root;
            if (response?.Element("fault") is { } fault)
                throw new BenchmarkException($"XML-RPC {method}: fault {string.Concat(fault.Descendants("string").Select(s => s.Value))}");
            return response?.Element("params")?.Element("param")?.Element("value")
                   ?? throw new BenchmarkException($"XML-RPC {method}: no value in the reply: {reply}");
        }
        catch (XmlException ex)
        {
            throw new BenchmarkException($"XML-RPC {method}: the reply is not XML ({ex.Message}): {reply}");
        }
    }
}
