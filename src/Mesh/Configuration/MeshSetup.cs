using System.Collections;
using BlueZero.Messages.Protocol;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Newtonsoft.Json;

namespace BlueZero.Mesh.Configuration;

/// <summary>
/// Resolves flags, environment and HOCON into typed settings and the final Akka configuration, once, at startup.
/// Shared by both executables so they agree on every flag and default.
/// </summary>
public sealed class MeshSetup
{
    /// <summary>The node's own settings and the hub's secrets never reach managed processes (TLS paths are re-added for child nodes).</summary>
    private static readonly string[] NotInherited = ["B0_HOST_ID", "B0_CLUSTER_PORT", "B0_HUB_HTTP", "B0_SEED_NODES", "B0_DATA_DIR", "B0_RUN_AS",
        "B0_TOKEN_FILE", "B0_HTTPS_CERT", "B0_HTTPS_CERT_PASSWORD", MeshSettings.ParentHostVariable, MeshSettings.TlsCert.EnvVar!, MeshSettings.TlsCa.EnvVar!];

    public required SettingValues Settings { get; init; }
    public required MeshClusterSettings Cluster { get; init; }
    public required ProcessManagerOptions ProcessManager { get; init; }
    public required Config AkkaConfig { get; init; }
    /// <summary>Mutual TLS for Akka.Remote, or null when the cluster runs in plain TCP.</summary>
    public MeshTlsSettings? Tls { get; init; }

    /// <summary>The Akka setup an actor system must be created with: the configuration plus, with TLS, the certificate setup.</summary>
    public ActorSystemSetup ActorSystemSetup(Config? overrides = null)
    {
        var config = overrides is null ? AkkaConfig : overrides.WithFallback(AkkaConfig);
        var bootstrap = BootstrapSetup.Create().WithConfig(config);
        return Tls is null ? Akka.Actor.Setup.ActorSystemSetup.Create(bootstrap) : bootstrap.And(Tls.ToAkkaSetup());
    }

    /// <summary>The HOCON files of a member, most specific first.</summary>
    public static IReadOnlyList<string> HoconFilesOf(MeshMember member) => member switch
    {
        MeshMember.Hub => ["hub.hocon", "process-manager.hocon", "common.hocon"],
        _ => ["process-manager.hocon", "common.hocon"],
    };

    /// <summary>The HOCON files as this executable reads them: from --config-dir / B0_CONFIG_DIR, else ./hocon, else built in.</summary>
    public static IReadOnlyList<HoconFiles.HoconFile> LoadHocon(MeshMember member, GivenFlags flags, IReadOnlyDictionary<string, string> environment) =>
        HoconFiles.Load(flags.Value(MeshSettings.ConfigDir) ?? environment.GetValueOrDefault(MeshSettings.ConfigDir.EnvVar!), HoconFilesOf(member));

    /// <param name="settings">Every setting the executable takes, so each B0_* variable is layered in.</param>
    public static MeshSetup Build(MeshMember member, GivenFlags flags, IReadOnlyDictionary<string, string> environment, IReadOnlyList<MeshSetting> settings)
    {
        var files = LoadHocon(member, flags, environment);
        var values = new SettingValues(MeshConfiguration.Build(files, settings, environment, flags), environment);
        var hocon = HoconFiles.Merge(files);

        var hostName = values.Text(MeshSettings.HostId.Key!) is { Length: > 0 } id ? id : System.Net.Dns.GetHostName();
        var clusterHost = values.Text(MeshSettings.ClusterHost.Key!);
        if (clusterHost.Length == 0) throw new SetupException($"{MeshSettings.ClusterHost.Flag} must not be empty");
        var portText = values.Text(MeshSettings.ClusterPort.Key!);
        if (!int.TryParse(portText, out var port) || port is < 0 or > 65535)
            throw new SetupException($"cluster port must be a number from 0 to 65535, not '{portText}'");
        var tls = MeshTlsSettings.Resolve(values.Text(MeshSettings.TlsCert.Key!), values.Text(MeshSettings.TlsCa.Key!), environment);
        var seeds = values.List(MeshSettings.Seed.Key!).Select(seed => NormaliseSeed(seed, tls is not null)).ToList();
        var cluster = new MeshClusterSettings(hostName, clusterHost, port, seeds);

        var dataDir = values.Text(MeshSettings.DataDir.Key!) is { Length: > 0 } dir ? Path.GetFullPath(dir) : DefaultDataDirectory(hostName, environment);
        var pm = ReadProcessManagerOptions(values, hostName, dataDir, tls);
        var akka = AkkaOverrides(member, cluster, tls, pm).WithFallback(hocon);
        return new MeshSetup { Settings = values, Cluster = cluster, ProcessManager = pm, AkkaConfig = akka, Tls = tls };
    }

    /// <summary>What the settings decide in Akka's own configuration; values are JSON-quoted, so any host or seed text is safe.</summary>
    private static Config AkkaOverrides(MeshMember member, MeshClusterSettings cluster, MeshTlsSettings? tls, ProcessManagerOptions pm)
    {
        var role = member is MeshMember.Hub ? MeshNames.HubRole : MeshNames.ProcessManagerRole;
        return ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp.enable-ssl = {{(tls is null ? "false" : "true")}}
            akka.remote.dot-netty.tcp.hostname = {{Quote(cluster.ClusterHost)}}
            akka.remote.dot-netty.tcp.port = {{cluster.ClusterPort}}
            akka.cluster.seed-nodes = [{{string.Join(", ", cluster.Seeds.Select(Quote))}}]
            akka.cluster.roles = [{{Quote(role)}}]
            akka.coordinated-shutdown.phases.service-stop.timeout = {{(int)pm.FullStopTime.TotalMilliseconds}}ms
            """);
    }

    /// <summary>
    /// With TLS, Akka.Remote addresses are akka.ssl.tcp://...; a seed written akka.tcp:// is taken to mean the same node,
    /// so one seed list works in both modes. A TLS seed without TLS configured is refused.
    /// </summary>
    private static string NormaliseSeed(string seed, bool tls)
    {
        const string plain = "akka.tcp", secure = "akka.ssl.tcp";
        if (!Uri.TryCreate(seed, UriKind.Absolute, out var uri) || uri.Scheme is not (plain or secure) || uri.UserInfo != MeshNames.SystemName)
            throw new SetupException($"seed '{seed}' is not of the form akka.tcp://{MeshNames.SystemName}@HOST:PORT");
        if (uri.Scheme == secure && !tls)
            throw new SetupException($"seed '{seed}' is a TLS address; give {MeshSettings.TlsCert.Flag} and {MeshSettings.TlsCa.Flag} to join it");
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

    private static ProcessManagerOptions ReadProcessManagerOptions(SettingValues values, string hostName, string dataDir, MeshTlsSettings? tls)
    {
        const string root = "bluezero.process-manager";
        var maxRecords = values.Whole($"{root}.retention.max-records", min: 0);
        var childEnvironment = values.Environment.Where(kv => !NotInherited.Contains(kv.Key))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        if (tls is not null)
        {
            // A child node joins the same TLS cluster; the password (B0_TLS_CERT_PASSWORD) is inherited as is.
            childEnvironment[MeshSettings.TlsCert.EnvVar!] = tls.CertificatePath;
            childEnvironment[MeshSettings.TlsCa.EnvVar!] = tls.AuthorityPath;
        }
        var runAs = values.Text(MeshSettings.RunAs.Key!) is { Length: > 0 } user ? RunAsUser.Resolve(user) : null;
        return new ProcessManagerOptions(hostName, values.Duration($"{root}.stop-grace"), values.Duration($"{root}.kill-grace"), maxRecords,
            values.Duration($"{root}.retention.max-age"), AllowedPaths(values), childEnvironment, dataDir, values.Whole($"{root}.max-processes", min: 1))
        {
            RunAs = runAs,
            Output = new OutputSettings(
                BufferLines: (int)values.Number(MeshSettings.OutputLines, 1, 1_000_000),
                FileBytes: (long)values.Number(MeshSettings.OutputFileSize, 1024, 1L << 40),
                Files: (int)values.Number(MeshSettings.OutputFiles, 1, 1000)),
            StatsInterval = TimeSpan.FromSeconds(values.Number(MeshSettings.StatsInterval, 0.05, 3600)),
            EventJournalMaxEvents = values.Whole($"{root}.events.journal-max-events", min: 1),
            EventsEnabled = values.Switch($"{root}.events.enabled"),
        };
    }

    /// <summary>--allow-path (repeatable), else B0_ALLOW_PATHS (comma-separated), else HOCON allowed-paths; every entry absolute.</summary>
    public static IReadOnlyList<string> AllowedPaths(SettingValues values)
    {
        var allowed = values.List(MeshSettings.AllowPath.Key!);
        foreach (var dir in allowed)
            if (!dir.StartsWith('/'))
                throw new SetupException($"allowed path '{dir}' must be an absolute directory ({MeshSettings.AllowPath.Flag}, {MeshSettings.AllowPath.EnvVar} or allowed-paths)");
        return allowed.Select(dir => dir.Length > 1 ? dir.TrimEnd('/') : dir).Distinct().ToList();
    }

    private static string Quote(string value) => JsonConvert.ToString(value);
}

/// <summary>A setting that cannot be used; the message is shown to the user as is.</summary>
public sealed class SetupException(string message) : Exception(message);
