namespace BlueZero.ProcessManager.Configuration;

/// <summary>The flags both executables share (README.md, "Configuration").</summary>
public static class MeshFlags
{
    public static readonly FlagSpec HostId = new("--host-id", "B0_HOST_ID", "this node's host_name (default: the machine's host name)");
    public static readonly FlagSpec ClusterHost = new("--cluster-host", "B0_CLUSTER_HOST", "address advertised to the cluster (default 127.0.0.1)");
    public static readonly FlagSpec ClusterPort = new("--cluster-port", "B0_CLUSTER_PORT", "cluster TCP port, 0 = any free port", HoconPath: "bluezero.cluster-port");
    public static readonly FlagSpec Seed = new("--seed", "B0_SEED_NODES", "comma-separated seed nodes to join; none: form the cluster", Repeatable: true,
        HoconPath: "bluezero.seed-nodes");
    public static readonly FlagSpec DataDir = new("--data-dir", "B0_DATA_DIR", "where the node keeps its durable process table (default $XDG_STATE_HOME/bluezero/HOST-ID)");
    public static readonly FlagSpec ConfigDir = new("--config-dir", "B0_CONFIG_DIR", "directory with common.hocon and friends (default ./hocon, then next to the binary)");
    public static readonly FlagSpec TlsCert = new("--tls-cert", "B0_TLS_CERT", "mutual TLS: this node's certificate and key, PKCS#12 (password in B0_TLS_CERT_PASSWORD); needs --tls-ca");
    public static readonly FlagSpec TlsCa = new("--tls-ca", "B0_TLS_CA", "mutual TLS: the cluster CA certificate (PEM); peers must chain to it; needs --tls-cert");
    public static readonly FlagSpec AllowPath = new("--allow-path", "B0_ALLOW_PATHS", "absolute directory children may be started from (repeatable; env comma-separated; default: any)", Repeatable: true);
    public static readonly FlagSpec RunAs = new("--run-as", "B0_RUN_AS", "start children as this user (node must run as root; uses /usr/bin/setpriv)");
    public static readonly FlagSpec StatsInterval = new("--stats-interval", "B0_STATS_INTERVAL", "seconds between cpu/memory samples of managed processes (default 5)");
    public static readonly FlagSpec OutputLines = new("--output-lines", "B0_OUTPUT_LINES", "captured lines kept in memory per process and stream (default 1000)");
    public static readonly FlagSpec OutputFileSize = new("--output-file-size", "B0_OUTPUT_FILE_SIZE", "bytes per output file before it is rotated (default 10485760 = 10 MiB)");
    public static readonly FlagSpec OutputFiles = new("--output-files", "B0_OUTPUT_FILES", "output files kept per process and stream, the current one included (default 5)");
    public static readonly FlagSpec Help = new("--help", null, "print this help and exit", TakesValue: false);

    public static readonly IReadOnlyList<FlagSpec> Common = [HostId, ClusterHost, ClusterPort, Seed, DataDir, ConfigDir, TlsCert, TlsCa, AllowPath, RunAs,
        StatsInterval, OutputLines, OutputFileSize, OutputFiles, Help];

    /// <summary>Environment variables a node hands its children so a child node joins the same cluster.</summary>
    public const string ParentHostVariable = "B0_PARENT_HOST";
}
