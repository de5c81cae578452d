namespace BlueZero.ProcessManager.Configuration;

/// <summary>The flags both executables share (DESIGN.md §5).</summary>
public static class MeshFlags
{
    public static readonly FlagSpec HostId = new("--host-id", "B0_HOST_ID", "this node's host_name (default: the machine's host name)");
    public static readonly FlagSpec ClusterHost = new("--cluster-host", "B0_CLUSTER_HOST", "address advertised to the cluster (default 127.0.0.1)");
    public static readonly FlagSpec ClusterPort = new("--cluster-port", "B0_CLUSTER_PORT", "cluster TCP port (hub 4053, node 0 = any free port)");
    public static readonly FlagSpec Seed = new("--seed", "B0_SEED_NODES", "comma-separated seeds (default akka.tcp://bluezero@127.0.0.1:4053)", Repeatable: true);
    public static readonly FlagSpec DataDir = new("--data-dir", "B0_DATA_DIR", "where the node keeps its durable process table (default $XDG_STATE_HOME/bluezero/HOST-ID)");
    public static readonly FlagSpec ConfigDir = new("--config-dir", "B0_CONFIG_DIR", "directory with common.hocon and friends (default ./hocon, then next to the binary)");
    public static readonly FlagSpec Help = new("--help", null, "print this help and exit", TakesValue: false);

    public static readonly IReadOnlyList<FlagSpec> Common = [HostId, ClusterHost, ClusterPort, Seed, DataDir, ConfigDir, Help];

    /// <summary>Environment variables a node hands its children so a child node joins the same cluster.</summary>
    public const string ParentHostVariable = "B0_PARENT_HOST";
}
