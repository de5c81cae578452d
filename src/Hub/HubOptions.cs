using BlueZero.Messages.Wire;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BlueZero.Hub.Security;
using BlueZero.ProcessManager.Configuration;

namespace BlueZero.Hub;

/// <summary>The hub's own settings, resolved once from flags, environment and hub.hocon.</summary>
/// <param name="Tokens">Null when the front door runs open (allowed on loopback only).</param>
/// <param name="HttpsCertificate">Null for plain HTTP.</param>
/// <param name="ForgetAfter">How long a left or removed host stays listed; null means <see cref="DefaultForgetAfter"/>.</param>
/// <param name="MaxQueuedRequestsPerClient">Requests of one client address that wait for a slot before 429 (hub.hocon).</param>
public sealed record HubOptions(IPEndPoint Http, bool LocalNode, TimeSpan RequestTimeout, long MaxBodyBytes,
    TokenFile? Tokens = null, X509Certificate2? HttpsCertificate = null, int MaxConcurrentRequestsPerClient = 64, WireLimits? WireLimits = null,
    TimeSpan? ForgetAfter = null, int MaxQueuedRequestsPerClient = 0)
{
    public static readonly TimeSpan DefaultForgetAfter = TimeSpan.FromHours(1);

    public const string HttpsCertPasswordVariable = "B0_HTTPS_CERT_PASSWORD";

    public static readonly FlagSpec HttpFlag = new("--http", "B0_HUB_HTTP", "HTTP front door address IP:PORT (default 127.0.0.1:8080)");
    public static readonly FlagSpec NoLocalNodeFlag = new("--no-local-node", null, "do not host a local process-manager node", TakesValue: false);
    public static readonly FlagSpec TokenFileFlag = new("--token-file", "B0_TOKEN_FILE", "bearer tokens, one name:role:token a line (required off loopback)");
    public static readonly FlagSpec HttpsCertFlag = new("--https-cert", "B0_HTTPS_CERT", $"serve HTTPS with this .pfx (password in {HttpsCertPasswordVariable})");
    public static readonly IReadOnlyList<FlagSpec> Flags = [.. MeshFlags.Common, HttpFlag, NoLocalNodeFlag, TokenFileFlag, HttpsCertFlag];

    public bool IsOpen => Tokens is null;

    public WireLimits Limits => WireLimits ?? BlueZero.Messages.Wire.WireLimits.Default;

    public TimeSpan Retention => ForgetAfter ?? DefaultForgetAfter;

    public static HubOptions From(SettingSource source)
    {
        var httpText = source.Get(HttpFlag, "bluezero.hub.http") ?? "127.0.0.1:8080";
        if (!IPEndPoint.TryParse(httpText, out var http) || httpText.IndexOf(':') < 0)
            throw new SetupException($"--http must be IP:PORT such as 127.0.0.1:8080, not '{httpText}'");
        var localNode = !source.Switch(NoLocalNodeFlag) && source.Hocon.GetBoolean("bluezero.hub.local-node", true);
        var timeout = MeshSetup.Duration(source.Hocon, "bluezero.hub.request-timeout", TimeSpan.FromSeconds(10));
        var maxBody = source.Hocon.GetLong("bluezero.hub.max-body-bytes", 1024 * 1024);
        if (maxBody <= 0) throw new SetupException("bluezero.hub.max-body-bytes must be positive");
        var perClient = source.Hocon.GetInt("bluezero.hub.max-concurrent-requests-per-client", 64);
        if (perClient <= 0) throw new SetupException("bluezero.hub.max-concurrent-requests-per-client must be positive");
        // The default is in hub.hocon, which is always read (the built-in copy when no file is found).
        var queuedPerClient = source.Hocon.GetInt("bluezero.hub.max-queued-requests-per-client");
        if (queuedPerClient < 0) throw new SetupException("bluezero.hub.max-queued-requests-per-client must not be negative");
        var forgetAfter = MeshSetup.Duration(source.Hocon, "bluezero.hub.forget-after", DefaultForgetAfter);
        if (forgetAfter <= TimeSpan.Zero) throw new SetupException("bluezero.hub.forget-after must be positive");

        var tokens = source.Get(TokenFileFlag, "bluezero.hub.token-file") is { Length: > 0 } tokenPath ? TokenFile.Load(tokenPath) : null;
        if (tokens is null && !IPAddress.IsLoopback(http.Address))
            throw new SetupException($"--http {http} is not a loopback address: a token file is required to serve it " +
                                     "(--token-file, B0_TOKEN_FILE or bluezero.hub.token-file; see docs/OPERATIONS.md)");
        var certificate = source.Get(HttpsCertFlag, "bluezero.hub.https-cert") is { Length: > 0 } certPath
            ? LoadCertificate(certPath, source.Environment.GetValueOrDefault(HttpsCertPasswordVariable) ?? "")
            : null;
        const string limitsRoot = "bluezero.hub.limits";
        var limits = new WireLimits(
            MaxArgsBytes: source.Hocon.GetInt($"{limitsRoot}.max-args-bytes", WireLimits.DefaultMaxArgsBytes),
            MaxEnvEntries: source.Hocon.GetInt($"{limitsRoot}.max-env-entries", WireLimits.DefaultMaxEnvEntries),
            MaxEnvBytes: source.Hocon.GetInt($"{limitsRoot}.max-env-bytes", WireLimits.DefaultMaxEnvBytes),
            MaxPathBytes: source.Hocon.GetInt($"{limitsRoot}.max-path-bytes", WireLimits.DefaultMaxPathBytes),
            MaxStdinBytes: source.Hocon.GetInt($"{limitsRoot}.max-stdin-bytes", WireLimits.DefaultMaxStdinBytes));
        if (limits.FirstInvalid() is { } bad) throw new SetupException($"{limitsRoot}.{bad} must be positive");
        return new HubOptions(http, localNode, timeout, maxBody, tokens, certificate, perClient, limits, forgetAfter, queuedPerClient);
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
