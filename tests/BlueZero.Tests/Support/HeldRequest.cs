using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BlueZero.Tests.Support;

/// <summary>
/// A POST over its own TCP connection from a chosen loopback address, held in progress: its headers and the first byte
/// of its body are sent, the rest only on <see cref="Release"/>. The hub has the request (it holds a slot or waits for
/// one) but cannot finish it, as with a slow-loris client. Any 127.x.y.z works as the source on Linux, so tests can be
/// several client addresses.
/// </summary>
public sealed class HeldRequest : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly TcpClient _tcp;
    private readonly byte[] _rest;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private Task<byte[]>? _reading;

    private HeldRequest(TcpClient tcp, byte[] rest)
    {
        _tcp = tcp;
        _rest = rest;
    }

    /// <param name="token">Sent as a bearer token, for a hub with a token file.</param>
    public static async Task<HeldRequest> Open(string baseUrl, IPAddress from, string path, string json, string? token = null)
    {
        var uri = new Uri(new Uri(baseUrl), path);
        var body = Encoding.UTF8.GetBytes(json);
        var authorization = token is null ? "" : $"Authorization: Bearer {token}\r\n";
        var head = Encoding.ASCII.GetBytes($"POST {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\n{authorization}Content-Type: application/json\r\n" +
                                           $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        var tcp = new TcpClient(new IPEndPoint(from, 0)) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            await tcp.ConnectAsync(uri.Host, uri.Port, timeout.Token);
            await tcp.GetStream().WriteAsync(head.Concat(body.Take(1)).ToArray(), timeout.Token);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
        return new HeldRequest(tcp, body[1..]);
    }

    /// <summary>Whether the hub has answered (or closed) although the request is not complete.</summary>
    public bool Answered => _reading?.IsCompleted == true || _tcp.Available > 0;

    /// <summary>The hub's whole answer, read until it closes the connection.</summary>
    public async Task<HubReply> Reply()
    {
        _reading ??= ReadUntilClosed();
        return RawHttpExchange.Parse(await _reading, _clock.Elapsed);
    }

    /// <summary>Sends the rest of the body and returns the hub's answer.</summary>
    public async Task<HubReply> Release()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await _tcp.GetStream().WriteAsync(_rest, timeout.Token);
        return await Reply();
    }

    private async Task<byte[]> ReadUntilClosed()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var received = new MemoryStream();
        try
        {
            await _tcp.GetStream().CopyToAsync(received, timeout.Token);
        }
        catch (IOException) when (received.Length > 0)
        {
            // Answered before its body was complete: the hub waits a few seconds for the rest, then resets the connection.
        }
        return received.ToArray();
    }

    public void Dispose() => _tcp.Dispose();
}
