using System.Net.Sockets;
using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager.Actors;

/// <summary>
/// check_tcp, a launch plan's tcp readiness: one TCP connect from this node, closed at once. It runs here, not at the
/// hub, because "127.0.0.1:1883" means the step's own machine.
/// </summary>
public static class TcpCheck
{
    public static async Task<INodeReply> Connect(CheckTcp check)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(check.TimeoutMs);
        try
        {
            await client.ConnectAsync(check.Host, check.Port, timeout.Token);
            return new TcpChecked(true, null);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return new TcpChecked(false, ex.Message);
        }
    }
}
