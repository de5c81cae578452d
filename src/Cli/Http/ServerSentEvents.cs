using System.Runtime.CompilerServices;
using System.Text;

namespace BlueZero.Cli.Http;

/// <summary>One server-sent event: its id (for Last-Event-ID), its type, and its data lines joined by newlines.</summary>
public sealed record ServerSentEvent(string? Id, string Type, string Data);

/// <summary>Reads a text/event-stream (the WHATWG format: field lines, ':' comments, a blank line ends an event).</summary>
public static class ServerSentEvents
{
    private const string DefaultType = "message";

    public static async IAsyncEnumerable<ServerSentEvent> Read(TextReader reader, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        string? id = null;
        var type = DefaultType;
        var data = new StringBuilder();
        var hasData = false;
        while (await reader.ReadLineAsync(cancel) is { } line)
        {
            if (line.Length == 0)
            {
                if (hasData) yield return new ServerSentEvent(id, type, data.ToString());
                type = DefaultType;
                data.Clear();
                hasData = false;
                continue;
            }
            if (line[0] == ':') continue; // a comment, such as a keep-alive
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' ')) value = value[1..];
            switch (field)
            {
                case "id" when !value.Contains('\0'):
                    id = value;
                    break;
                case "event":
                    type = value;
                    break;
                case "data":
                    if (hasData) data.Append('\n');
                    data.Append(value);
                    hasData = true;
                    break;
            }
        }
    }
}
