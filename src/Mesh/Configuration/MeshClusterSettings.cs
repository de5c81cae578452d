namespace BlueZero.Mesh.Configuration;

/// <summary>
/// Where this actor system lives in the cluster. With no seeds it forms the cluster itself (a hub's default).
/// </summary>
public sealed record MeshClusterSettings(string HostName, string ClusterHost, int ClusterPort, IReadOnlyList<string> Seeds)
{
    public bool FormsClusterItself => Seeds.Count == 0;
}
