using System.Net;
using BlueZero.ProcessManager.Configuration;

namespace BlueZero.Hub;

/// <summary>The hub's own settings, resolved once from flags, environment and hub.hocon.</summary>
public sealed record HubOptions(IPEndPoint Http, bool LocalNode, TimeSpan RequestTimeout, long MaxBodyBytes)
{
    public static readonly FlagSpec HttpFlag = new("--http", "B0_HUB_HTTP", "HTTP front door address IP:PORT (default 127.0.0.1:8080)");
    public static readonly FlagSpec NoLocalNodeFlag = new("--no-local-node", null, "do not host a local process-manager node", TakesValue: false);
    public static readonly IReadOnlyList<FlagSpec> Flags = [.. MeshFlags.Common, HttpFlag, NoLocalNodeFlag];

    public static HubOptions From(SettingSource source)
    {
        var httpText = source.Get(HttpFlag, "bluezero.hub.http") ?? "127.0.0.1:8080";
        if (!IPEndPoint.TryParse(httpText, out var http) || httpText.IndexOf(':') < 0)
            throw new SetupException($"--http must be IP:PORT such as 127.0.0.1:8080, not '{httpText}'");
        var localNode = !source.Switch(NoLocalNodeFlag) && source.Hocon.GetBoolean("bluezero.hub.local-node", true);
        var timeout = MeshSetup.Duration(source.Hocon, "bluezero.hub.request-timeout", TimeSpan.FromSeconds(10));
        var maxBody = source.Hocon.GetLong("bluezero.hub.max-body-bytes", 1024 * 1024);
        if (maxBody <= 0) throw new SetupException("bluezero.hub.max-body-bytes must be positive");
        return new HubOptions(http, localNode, timeout, maxBody);
    }
}
