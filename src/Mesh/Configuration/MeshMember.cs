namespace BlueZero.Mesh.Configuration;

/// <summary>Which executable a mesh member is: it decides the HOCON files read and the cluster role.</summary>
public enum MeshMember
{
    Hub,
    Node,
}
