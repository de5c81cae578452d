namespace BlueZero.Mesh.Hosting;

/// <summary>How the hub and node executables end; scripts and supervisors act on these (docs/OPERATIONS.md).</summary>
public static class ExitCodes
{
    public const int Stopped = 0;
    /// <summary>A port in use or another start failure, said in one line.</summary>
    public const int CouldNotStart = 1;
    /// <summary>A bad flag or setting.</summary>
    public const int Usage = 2;
    /// <summary>The hub was downed by the cluster: its supervisor should restart it.</summary>
    public const int HubDowned = 3;
    /// <summary>Another live node owns this host_name (the hub refused it, or its data directory is locked).</summary>
    public const int HostNameTaken = 4;
}
