using System.Collections;
using Akka.Configuration;
using Newtonsoft.Json;

namespace BlueZero.ProcessManager.Configuration;

/// <summary>
/// Resolves flags, environment and HOCON into typed settings and the final Akka configuration, once, at startup.
/// Shared by both executables so they agree on every flag and default.
/// </summary>
public sealed class MeshSetup
{
    private static readonly string[] NotInherited = ["B0_HOST_ID", "B0_CLUSTER_PORT", "B0_HUB_HTTP", "B0_SEED_NODES", "B0_DATA_DIR", MeshFlags.ParentHostVariable];

    public required SettingSource Source { get; init; }
    public required MeshClusterSettings Cluster { get; init; }
    public required ProcessManagerOptions ProcessManager { get; init; }
    public required Config AkkaConfig { get; init; }
    public required IReadOnlyList<string> ConfigSources { get; init; }

    /// <param name="hoconFiles">Most specific first, e.g. hub.hocon, process-manager.hocon, common.hocon.</param>
    public static MeshSetup Build(CommandLine flags, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> hoconFiles)
    {
        var configDir = flags.Value(MeshFlags.ConfigDir.Name) ?? environment.GetValueOrDefault("B0_CONFIG_DIR");
        var hocon = HoconFiles.Load(configDir, hoconFiles, out var sources);
        var source = new SettingSource(flags, environment, hocon);

        var hostName = source.Get(MeshFlags.HostId, "bluezero.host-id") is { Length: > 0 } id ? id : System.Net.Dns.GetHostName();
        var clusterHost = source.Get(MeshFlags.ClusterHost, "bluezero.cluster-host") is { Length: > 0 } h ? h : "127.0.0.1";
        var portText = source.Get(MeshFlags.ClusterPort, "bluezero.cluster-port") ?? "0";
        if (!int.TryParse(portText, out var port) || port is < 0 or > 65535)
            throw new SetupException($"cluster port must be a number from 0 to 65535, not '{portText}'");
        var seeds = source.GetList(MeshFlags.Seed, "bluezero.seed-nodes");
        foreach (var seed in seeds)
            if (!Uri.TryCreate(seed, UriKind.Absolute, out var uri) || uri.Scheme != "akka.tcp" || uri.UserInfo != MeshClusterSettings.SystemName)
                throw new SetupException($"seed '{seed}' is not of the form akka.tcp://{MeshClusterSettings.SystemName}@HOST:PORT");
        var cluster = new MeshClusterSettings(hostName, clusterHost, port, seeds);

        var dataDir = source.Get(MeshFlags.DataDir, "bluezero.process-manager.data-dir") is { Length: > 0 } dir
            ? Path.GetFullPath(dir)
            : DefaultDataDirectory(hostName, environment);
        var pm = ReadProcessManagerOptions(hocon, hostName, environment, dataDir);
        var akka = ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp.hostname = {{Quote(clusterHost)}}
            akka.remote.dot-netty.tcp.port = {{port}}
            akka.cluster.seed-nodes = [{{string.Join(", ", seeds.Select(Quote))}}]
            akka.coordinated-shutdown.phases.service-stop.timeout = {{(int)pm.FullStopTime.TotalMilliseconds}}ms
            """).WithFallback(hocon);

        return new MeshSetup { Source = source, Cluster = cluster, ProcessManager = pm, AkkaConfig = akka, ConfigSources = sources };
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

    private static ProcessManagerOptions ReadProcessManagerOptions(Config hocon, string hostName, IReadOnlyDictionary<string, string> environment, string dataDir)
    {
        const string root = "bluezero.process-manager";
        var stopGrace = Duration(hocon, $"{root}.stop-grace", TimeSpan.FromSeconds(5));
        var killGrace = Duration(hocon, $"{root}.kill-grace", TimeSpan.FromSeconds(5));
        var maxRecords = hocon.GetInt($"{root}.retention.max-records", 1000);
        var maxAge = Duration(hocon, $"{root}.retention.max-age", TimeSpan.FromHours(1));
        var allowed = hocon.HasPath($"{root}.allowed-paths") ? hocon.GetStringList($"{root}.allowed-paths").ToList() : [];
        foreach (var dir in allowed)
            if (!dir.StartsWith('/')) throw new SetupException($"allowed-paths entry '{dir}' must be an absolute directory");
        if (maxRecords < 0) throw new SetupException("retention.max-records must not be negative");

        var childEnvironment = environment.Where(kv => !NotInherited.Contains(kv.Key))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return new ProcessManagerOptions(hostName, stopGrace, killGrace, maxRecords, maxAge, allowed, childEnvironment, dataDir);
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
