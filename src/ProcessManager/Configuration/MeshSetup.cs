using System.Collections;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Newtonsoft.Json;

namespace BlueZero.ProcessManager.Configuration;

/// <summary>
/// Resolves flags, environment and HOCON into typed settings and the final Akka configuration, once, at startup.
/// Shared by both executables so they agree on every flag and default.
/// </summary>
public sealed class MeshSetup
{
    /// <summary>The node's own settings and the hub's secrets never reach managed processes (TLS paths are re-added for child nodes).</summary>
    private static readonly string[] NotInherited = ["B0_HOST_ID", "B0_CLUSTER_PORT", "B0_HUB_HTTP", "B0_SEED_NODES", "B0_DATA_DIR", "B0_RUN_AS",
        "B0_TOKEN_FILE", "B0_HTTPS_CERT", "B0_HTTPS_CERT_PASSWORD", MeshFlags.ParentHostVariable, MeshFlags.TlsCert.EnvVar!, MeshFlags.TlsCa.EnvVar!];

    public required SettingSource Source { get; init; }
    public required MeshClusterSettings Cluster { get; init; }
    public required ProcessManagerOptions ProcessManager { get; init; }
    public required Config AkkaConfig { get; init; }
    public required IReadOnlyList<string> ConfigSources { get; init; }
    /// <summary>Mutual TLS for Akka.Remote, or null when the cluster runs in plain TCP.</summary>
    public MeshTlsSettings? Tls { get; init; }

    /// <summary>The Akka setup an actor system must be created with: the configuration plus, with TLS, the certificate setup.</summary>
    public ActorSystemSetup ActorSystemSetup(Config? overrides = null)
    {
        var config = overrides is null ? AkkaConfig : overrides.WithFallback(AkkaConfig);
        var bootstrap = BootstrapSetup.Create().WithConfig(config);
        return Tls is null ? Akka.Actor.Setup.ActorSystemSetup.Create(bootstrap) : bootstrap.And(Tls.ToAkkaSetup());
    }

    /// <param name="hoconFiles">Most specific first, e.g. hub.hocon, process-manager.hocon, common.hocon.</param>
    public static MeshSetup Build(CommandLine flags, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> hoconFiles)
    {
        var hocon = LoadHocon(flags, environment, hoconFiles, out var sources);
        var source = new SettingSource(flags, environment, hocon);

        var hostName = source.Get(MeshFlags.HostId, "bluezero.host-id") is { Length: > 0 } id ? id : System.Net.Dns.GetHostName();
        var clusterHost = source.Get(MeshFlags.ClusterHost, "bluezero.cluster-host") is { Length: > 0 } h ? h : "127.0.0.1";
        var portText = source.Get(MeshFlags.ClusterPort, MeshFlags.ClusterPort.HoconPath!) ?? "0";
        if (!int.TryParse(portText, out var port) || port is < 0 or > 65535)
            throw new SetupException($"cluster port must be a number from 0 to 65535, not '{portText}'");
        var tls = MeshTlsSettings.Resolve(source.Get(MeshFlags.TlsCert, "bluezero.tls.cert"), source.Get(MeshFlags.TlsCa, "bluezero.tls.ca"), environment);
        var seeds = source.GetList(MeshFlags.Seed, MeshFlags.Seed.HoconPath!).Select(seed => NormaliseSeed(seed, tls is not null)).ToList();
        var cluster = new MeshClusterSettings(hostName, clusterHost, port, seeds);

        var dataDir = source.Get(MeshFlags.DataDir, "bluezero.process-manager.data-dir") is { Length: > 0 } dir
            ? Path.GetFullPath(dir)
            : DefaultDataDirectory(hostName, environment);
        var pm = ReadProcessManagerOptions(source, hostName, environment, dataDir, tls);
        var akka = ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp.enable-ssl = {{(tls is null ? "false" : "true")}}
            akka.remote.dot-netty.tcp.hostname = {{Quote(clusterHost)}}
            akka.remote.dot-netty.tcp.port = {{port}}
            akka.cluster.seed-nodes = [{{string.Join(", ", seeds.Select(Quote))}}]
            akka.coordinated-shutdown.phases.service-stop.timeout = {{(int)pm.FullStopTime.TotalMilliseconds}}ms
            """).WithFallback(hocon);

        return new MeshSetup { Source = source, Cluster = cluster, ProcessManager = pm, AkkaConfig = akka, ConfigSources = sources, Tls = tls };
    }

    /// <summary>The HOCON files as this executable reads them: from --config-dir / B0_CONFIG_DIR, else ./hocon, else built in.</summary>
    public static Akka.Configuration.Config LoadHocon(CommandLine flags, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> hoconFiles,
        out IReadOnlyList<string> sources) =>
        HoconFiles.Load(flags.Value(MeshFlags.ConfigDir.Name) ?? environment.GetValueOrDefault(MeshFlags.ConfigDir.EnvVar!), hoconFiles, out sources);

    /// <summary>
    /// With TLS, Akka.Remote addresses are akka.ssl.tcp://...; a seed written akka.tcp:// is taken to mean the same node,
    /// so one seed list works in both modes. A TLS seed without TLS configured is refused.
    /// </summary>
    private static string NormaliseSeed(string seed, bool tls)
    {
        const string plain = "akka.tcp", secure = "akka.ssl.tcp";
        if (!Uri.TryCreate(seed, UriKind.Absolute, out var uri) || uri.Scheme is not (plain or secure) || uri.UserInfo != MeshClusterSettings.SystemName)
            throw new SetupException($"seed '{seed}' is not of the form akka.tcp://{MeshClusterSettings.SystemName}@HOST:PORT");
        if (uri.Scheme == secure && !tls)
            throw new SetupException($"seed '{seed}' is a TLS address; give {MeshFlags.TlsCert.Name} and {MeshFlags.TlsCa.Name} to join it");
        return tls && uri.Scheme == plain ? secure + seed[plain.Length..] : seed;
    }

    public static IReadOnlyDictionary<string, string> ReadEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");

    /// <summary>$XDG_STATE_HOME/bluezero/HOST, else ~/.local/state/bluezero/HOST: one table per host_name, so several nodes on one machine never share one.</summary>
    private static string DefaultDataDirectory(string hostName, IReadOnlyDictionary<string, string> environment)
    {
        var stateHome = environment.GetValueOrDefault("XDG_STATE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(environment.GetValueOrDefault("HOME") is { Length: > 0 } home ? home : Path.GetTempPath(), ".local", "state");
        return Path.Combine(stateHome, "bluezero", string.Concat(hostName.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')));
    }

    private static ProcessManagerOptions ReadProcessManagerOptions(SettingSource source, string hostName, IReadOnlyDictionary<string, string> environment, string dataDir, MeshTlsSettings? tls)
    {
        const string root = "bluezero.process-manager";
        var hocon = source.Hocon;
        var stopGrace = Duration(hocon, $"{root}.stop-grace", TimeSpan.FromSeconds(5));
        var killGrace = Duration(hocon, $"{root}.kill-grace", TimeSpan.FromSeconds(5));
        var maxRecords = hocon.GetInt($"{root}.retention.max-records", 1000);
        var maxAge = Duration(hocon, $"{root}.retention.max-age", TimeSpan.FromHours(1));
        var allowed = AllowedPaths(source);
        if (maxRecords < 0) throw new SetupException("retention.max-records must not be negative");
        var maxProcesses = hocon.GetInt($"{root}.max-processes", ProcessManagerOptions.DefaultMaxProcesses);
        if (maxProcesses <= 0) throw new SetupException($"{root}.max-processes must be positive");

        var childEnvironment = environment.Where(kv => !NotInherited.Contains(kv.Key))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        if (tls is not null)
        {
            // A child node joins the same TLS cluster; the password (B0_TLS_CERT_PASSWORD) is inherited as is.
            childEnvironment[MeshFlags.TlsCert.EnvVar!] = tls.CertificatePath;
            childEnvironment[MeshFlags.TlsCa.EnvVar!] = tls.AuthorityPath;
        }
        var runAs = source.Get(MeshFlags.RunAs, $"{root}.run-as") is { Length: > 0 } user ? Launching.RunAsUser.Resolve(user) : null;
        return new ProcessManagerOptions(hostName, stopGrace, killGrace, maxRecords, maxAge, allowed, childEnvironment, dataDir, maxProcesses)
        {
            RunAs = runAs,
            Output = ReadOutputSettings(source),
            StatsInterval = TimeSpan.FromSeconds(Number(source, MeshFlags.StatsInterval, $"{root}.stats-interval-s", 5, 0.05, 3600)),
        };
    }

    private static Output.OutputSettings ReadOutputSettings(SettingSource source)
    {
        const string root = "bluezero.process-manager.output";
        return new Output.OutputSettings(
            BufferLines: (int)Number(source, MeshFlags.OutputLines, $"{root}.buffer-lines", 1000, 1, 1_000_000),
            FileBytes: (long)Number(source, MeshFlags.OutputFileSize, $"{root}.file-size", 10 * 1024 * 1024, 1024, 1L << 40),
            Files: (int)Number(source, MeshFlags.OutputFiles, $"{root}.files", 5, 1, 1000));
    }

    /// <summary>A numeric setting within [min, max], else a one-line setup error naming the flag.</summary>
    private static double Number(SettingSource source, FlagSpec flag, string hoconPath, double fallback, double min, double max)
    {
        var text = source.Get(flag, hoconPath);
        if (string.IsNullOrEmpty(text)) return fallback;
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            || double.IsNaN(value) || value < min || value > max)
            throw new SetupException($"{flag.Name} must be a number from {min} to {max}, not '{text}'");
        return value;
    }

    /// <summary>--allow-path (repeatable), else B0_ALLOW_PATHS (comma-separated), else HOCON allowed-paths; every entry absolute.</summary>
    public static IReadOnlyList<string> AllowedPaths(SettingSource source)
    {
        var allowed = source.GetList(MeshFlags.AllowPath, "bluezero.process-manager.allowed-paths");
        foreach (var dir in allowed)
            if (!dir.StartsWith('/'))
                throw new SetupException($"allowed path '{dir}' must be an absolute directory ({MeshFlags.AllowPath.Name}, {MeshFlags.AllowPath.EnvVar} or allowed-paths)");
        return allowed.Select(dir => dir.Length > 1 ? dir.TrimEnd('/') : dir).Distinct().ToList();
    }

    public static TimeSpan Duration(Config hocon, string path, TimeSpan fallback)
    {
        if (!hocon.HasPath(path)) return fallback;
        var value = hocon.GetTimeSpan(path, fallback, allowInfinite: false);
        if (value < TimeSpan.Zero) throw new SetupException($"{path} must not be negative");
        return value;
    }

    private static string Quote(string value) => JsonConvert.ToString(value);
}

/// <summary>A setting that cannot be used; the message is shown to the user as is.</summary>
public sealed class SetupException(string message) : Exception(message);
