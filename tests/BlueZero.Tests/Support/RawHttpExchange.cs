using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace BlueZero.Tests.Support;

/// <summary>
/// One HTTP/1.1 request over a fresh TCP connection that reads the reply while it is still sending the body, as curl
/// does. A server may answer an oversized upload early (413) and close the connection before the body is sent;
/// HttpClient then sometimes reports only the broken pipe, this exchange reports the reply the server sent.
/// </summary>
public static class RawHttpExchange
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <param name="chunked">Send the body with Transfer-Encoding: chunked instead of a Content-Length.</param>
    public static async Task<HubReply> Post(string baseUrl, string path, byte[] body, bool chunked)
    {
        var uri = new Uri(new Uri(baseUrl), path);
        using var timeout = new CancellationTokenSource(Timeout);
        using var tcp = new TcpClient();
        var clock = Stopwatch.StartNew();
        await tcp.ConnectAsync(uri.Host, uri.Port, timeout.Token);
        var stream = tcp.GetStream();

        var head = $"POST {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Type: application/json\r\nConnection: close\r\n" +
                   (chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {body.Length}\r\n") + "\r\n";
        var sending = SendIgnoringAbort(stream, Encoding.ASCII.GetBytes(head), body, chunked, timeout.Token);

        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0) received.Write(buffer, 0, read);
        }
        catch (IOException) when (received.Length > 0)
        {
            // The server reset the connection after its reply: what arrived before is the reply.
        }
        await sending;
        return Parse(received.ToArray(), clock.Elapsed);
    }

    private static async Task SendIgnoringAbort(NetworkStream stream, byte[] head, byte[] body, bool chunked, CancellationToken cancel)
    {
        const int piece = 64 * 1024;
        try
        {
            await stream.WriteAsync(head, cancel);
            for (var offset = 0; offset < body.Length; offset += piece)
            {
                var length = Math.Min(piece, body.Length - offset);
                if (chunked) await stream.WriteAsync(Encoding.ASCII.GetBytes($"{length:x}\r\n"), cancel);
                await stream.WriteAsync(body.AsMemory(offset, length), cancel);
                if (chunked) await stream.WriteAsync("\r\n"u8.ToArray(), cancel);
            }
            if (chunked) await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancel);
        }
        catch (IOException) { } // the server stopped listening to the body; its reply is what counts
        catch (OperationCanceledException) { }
    }

    /// <summary>Status line, headers, and a body framed by Content-Length, chunked encoding or the end of the connection.</summary>
    public static HubReply Parse(byte[] raw, TimeSpan elapsed)
    {
        var headEnd = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        if (headEnd < 0) throw new InvalidOperationException($"no complete HTTP reply received: '{Encoding.UTF8.GetString(raw)}'");
        var lines = Encoding.ASCII.GetString(raw, 0, headEnd).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1]);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var rest = raw.AsSpan(headEnd + 4);
        byte[] body;
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            body = Dechunk(rest);
        else if (headers.TryGetValue("Content-Length", out var length))
            body = rest[..int.Parse(length)].ToArray();
        else
            body = rest.ToArray();
        var contentType = headers.TryGetValue("Content-Type", out var type) ? type.Split(';')[0].Trim() : null;
        return new HubReply(status, contentType, Encoding.UTF8.GetString(body), elapsed, headers);
    }

    private static byte[] Dechunk(ReadOnlySpan<byte> chunked)
    {
        var body = new MemoryStream();
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n"u8);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(chunked[..lineEnd]).Split(';')[0], 16);
            if (size == 0) return body.ToArray();
            body.Write(chunked.Slice(lineEnd + 2, size));
            chunked = chunked[(lineEnd + 2 + size + 2)..];
        }
    }
}
