using BlueZero.Messages.Wire;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlueZero.Hub.Events;
using BlueZero.Hub.Security;
using BlueZero.Mesh.Configuration;

namespace BlueZero.Hub;

/// <summary>The hub's own settings, resolved once from flags, environment and hub.hocon (which holds every default).</summary>
/// <param name="Tokens">Null when the front door runs open (allowed on loopback only).</param>
/// <param name="HttpsCertificate">Null for plain HTTP.</param>
/// <param name="ForgetAfter">How long a left or removed host stays listed (bluezero.hub.forget-after).</param>
/// <param name="MaxQueuedRequestsPerClient">Requests of one client address that wait for a slot before 429 (hub.hocon).</param>
/// <param name="MetricsToken">The token a scraper may use for GET /metrics only; null when there is none.</param>
/// <param name="MetricsPerProcessName">Whether the process counters of GET /metrics carry a name label (hub.hocon).</param>
/// <param name="DashboardRefresh">How often the hosts are read while a dashboard page is open (membership and status changes go out then).</param>
/// <param name="DashboardFigures">How often host and process figures (CPU, memory, RSS) are read again for open pages.</param>
/// <param name="SessionLifetime">How long a dashboard login lasts.</param>
/// <param name="Events">The event history's retention and streaming (bluezero.hub.events).</param>
public sealed record HubOptions(IPEndPoint Http, bool LocalNode, TimeSpan RequestTimeout, long MaxBodyBytes,
    TokenFile? Tokens, X509Certificate2? HttpsCertificate, int MaxConcurrentRequestsPerClient, WireLimits Limits, TimeSpan ForgetAfter,
    int MaxQueuedRequestsPerClient, TokenFile? MetricsToken, bool MetricsPerProcessName, TimeSpan DashboardRefresh, TimeSpan DashboardFigures, TimeSpan SessionLifetime,
    EventOptions Events)
{
    public const string HttpsCertPasswordVariable = "B0_HTTPS_CERT_PASSWORD";

    public static readonly MeshSetting HttpFlag = new("--http", "B0_HUB_HTTP", "bluezero.hub.http", "HTTP front door address IP:PORT");
    public static readonly MeshSetting NoLocalNodeFlag = new("--no-local-node", null, "bluezero.hub.local-node", "do not host a local process-manager node",
        SettingKind.Switch, SwitchValue: "off");
    public static readonly MeshSetting TokenFileFlag = new("--token-file", "B0_TOKEN_FILE", "bluezero.hub.token-file",
        "bearer tokens, one name:role:token a line (required off loopback)", EmptyMeans: "none, the front door runs open");
    public static readonly MeshSetting HttpsCertFlag = new("--https-cert", "B0_HTTPS_CERT", "bluezero.hub.https-cert",
        $"serve HTTPS with this .pfx (password in {HttpsCertPasswordVariable})", EmptyMeans: "plain HTTP");
    public static readonly MeshSetting MetricsTokenFileFlag = new("--metrics-token-file", "B0_METRICS_TOKEN_FILE", "bluezero.hub.metrics-token-file",
        "a file with one more bearer token, good for GET /metrics only (needs --token-file)", EmptyMeans: "none, /metrics takes a read or admin token");
    public static readonly IReadOnlyList<MeshSetting> Flags =
        [.. MeshSettings.Common, HttpFlag, NoLocalNodeFlag, TokenFileFlag, HttpsCertFlag, MetricsTokenFileFlag];

    public static HubOptions From(SettingValues values)
    {
        var httpText = values.Text(HttpFlag.Key!);
        if (!IPEndPoint.TryParse(httpText, out var http) || httpText.IndexOf(':') < 0)
            throw new SetupException($"--http must be IP:PORT such as 127.0.0.1:8080, not '{httpText}'");
        var localNode = values.Switch(NoLocalNodeFlag.Key!);
        var timeout = values.Duration("bluezero.hub.request-timeout");
        var maxBody = values.Bytes("bluezero.hub.max-body-bytes");
        var perClient = values.Whole("bluezero.hub.max-concurrent-requests-per-client", min: 1);
        var forgetAfter = values.Duration("bluezero.hub.forget-after");
        var queuedPerClient = values.Whole("bluezero.hub.max-queued-requests-per-client", min: 0);
        if (forgetAfter <= TimeSpan.Zero) throw new SetupException("bluezero.hub.forget-after must be positive");
        var dashboardRefresh = values.Duration("bluezero.hub.dashboard.refresh");
        var dashboardFigures = values.Duration("bluezero.hub.dashboard.figures-refresh");
        var sessionLifetime = values.Duration("bluezero.hub.dashboard.session-lifetime");
        if (dashboardRefresh <= TimeSpan.Zero || dashboardFigures <= TimeSpan.Zero || sessionLifetime <= TimeSpan.Zero)
            throw new SetupException("bluezero.hub.dashboard.refresh, figures-refresh and session-lifetime must be positive");

        var tokens = values.Text(TokenFileFlag.Key!) is { Length: > 0 } tokenPath ? TokenFile.Load(tokenPath) : null;
        if (tokens is null && !IPAddress.IsLoopback(http.Address))
            throw new SetupException($"--http {http} is not a loopback address: a token file is required to serve it " +
                                     "(--token-file, B0_TOKEN_FILE or bluezero.hub.token-file; see docs/OPERATIONS.md)");
        var metricsToken = values.Text(MetricsTokenFileFlag.Key!) is { Length: > 0 } metricsTokenPath
            ? TokenFile.LoadBare(metricsTokenPath, Caller.Scraper)
            : null;
        if (metricsToken is not null && tokens is null)
            throw new SetupException("--metrics-token-file needs --token-file: without a token file the front door, GET /metrics included, runs open");
        var certificate = values.Text(HttpsCertFlag.Key!) is { Length: > 0 } certPath
            ? LoadCertificate(certPath, values.Environment.GetValueOrDefault(HttpsCertPasswordVariable) ?? "")
            : null;
        const string limitsRoot = "bluezero.hub.limits";
        var limits = new WireLimits(
            MaxArgsBytes: values.Whole($"{limitsRoot}.max-args-bytes", min: 1),
            MaxEnvEntries: values.Whole($"{limitsRoot}.max-env-entries", min: 1),
            MaxEnvBytes: values.Whole($"{limitsRoot}.max-env-bytes", min: 1),
            MaxPathBytes: values.Whole($"{limitsRoot}.max-path-bytes", min: 1),
            MaxStdinBytes: values.Whole($"{limitsRoot}.max-stdin-bytes", min: 1));
        const string eventsRoot = "bluezero.hub.events";
        var events = new EventOptions(
            MaxAge: values.Duration($"{eventsRoot}.max-age"),
            MaxCount: values.Whole($"{eventsRoot}.max-count", min: 1),
            PruneInterval: values.Duration($"{eventsRoot}.prune-interval"),
            StreamHeartbeat: values.Duration($"{eventsRoot}.stream-heartbeat"),
            StreamBuffer: values.Whole($"{eventsRoot}.stream-buffer", min: 1));
        if (events.PruneInterval <= TimeSpan.Zero || events.StreamHeartbeat <= TimeSpan.Zero)
            throw new SetupException($"{eventsRoot}.prune-interval and {eventsRoot}.stream-heartbeat must be positive");
        return new HubOptions(http, localNode, timeout, maxBody, tokens, certificate, perClient, limits, forgetAfter, queuedPerClient,
            metricsToken, values.Switch("bluezero.hub.metrics.per-process-name"), dashboardRefresh, dashboardFigures, sessionLifetime, events);
    }

    private static X509Certificate2 LoadCertificate(string path, string password)
    {
        if (!File.Exists(path)) throw new SetupException($"--https-cert {path}: no such file");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new SetupException($"--https-cert {path}: cannot load the certificate ({ex.Message.TrimEnd('.')}); " +
                                     $"is it a .pfx, and is {HttpsCertPasswordVariable} right?");
        }
        if (!certificate.HasPrivateKey)
            throw new SetupException($"--https-cert {path}: the file holds no private key");
        return certificate;
    }
}
