namespace BlueZero.Mesh.Configuration;

/// <summary>The settings both executables take (README.md, "Configuration"): the hub hosts a local node, so it takes the node's too.</summary>
public static class MeshSettings
{
    public static readonly MeshSetting HostId = new("--host-id", "B0_HOST_ID", "bluezero.host-id", "this node's host_name",
        EmptyMeans: "the machine's host name");
    public static readonly MeshSetting ClusterHost = new("--cluster-host", "B0_CLUSTER_HOST", "bluezero.cluster-host", "address advertised to the cluster");
    public static readonly MeshSetting ClusterPort = new("--cluster-port", "B0_CLUSTER_PORT", "bluezero.cluster-port", "cluster TCP port, 0 = any free port");
    public static readonly MeshSetting Seed = new("--seed", "B0_SEED_NODES", "bluezero.seed-nodes", "comma-separated seed nodes to join; none: form the cluster",
        SettingKind.List);
    public static readonly MeshSetting DataDir = new("--data-dir", "B0_DATA_DIR", "bluezero.process-manager.data-dir", "where the node keeps its durable process table",
        EmptyMeans: "$XDG_STATE_HOME/bluezero/HOST-ID");
    public static readonly MeshSetting ConfigDir = new("--config-dir", "B0_CONFIG_DIR", null,
        "directory with common.hocon and friends (default ./hocon, then next to the binary)");
    public static readonly MeshSetting TlsCert = new("--tls-cert", "B0_TLS_CERT", "bluezero.tls.cert",
        "mutual TLS: this node's certificate and key, PKCS#12 (password in B0_TLS_CERT_PASSWORD); needs --tls-ca", EmptyMeans: "plain TCP");
    public static readonly MeshSetting TlsCa = new("--tls-ca", "B0_TLS_CA", "bluezero.tls.ca",
        "mutual TLS: the cluster CA certificate (PEM); peers must chain to it; needs --tls-cert", EmptyMeans: "plain TCP");
    public static readonly MeshSetting AllowPath = new("--allow-path", "B0_ALLOW_PATHS", "bluezero.process-manager.allowed-paths",
        "absolute directory children may be started from (repeatable; env comma-separated)", SettingKind.List, EmptyMeans: "any");
    public static readonly MeshSetting RunAs = new("--run-as", "B0_RUN_AS", "bluezero.process-manager.run-as",
        "start children as this user (node must run as root; uses /usr/bin/setpriv)", EmptyMeans: "the node's own user");
    public static readonly MeshSetting StatsInterval = new("--stats-interval", "B0_STATS_INTERVAL", "bluezero.process-manager.stats-interval-s",
        "seconds between cpu/memory samples of managed processes");
    public static readonly MeshSetting OutputLines = new("--output-lines", "B0_OUTPUT_LINES", "bluezero.process-manager.output.buffer-lines",
        "captured lines kept in memory per process and stream");
    public static readonly MeshSetting OutputFileSize = new("--output-file-size", "B0_OUTPUT_FILE_SIZE", "bluezero.process-manager.output.file-size",
        "bytes per output file before it is rotated");
    public static readonly MeshSetting OutputFiles = new("--output-files", "B0_OUTPUT_FILES", "bluezero.process-manager.output.files",
        "output files kept per process and stream, the current one included");

    public static readonly IReadOnlyList<MeshSetting> Common = [HostId, ClusterHost, ClusterPort, Seed, DataDir, ConfigDir, TlsCert, TlsCa, AllowPath, RunAs,
        StatsInterval, OutputLines, OutputFileSize, OutputFiles];

    /// <summary>Environment variables a node hands its children so a child node joins the same cluster.</summary>
    public const string ParentHostVariable = "B0_PARENT_HOST";
}
