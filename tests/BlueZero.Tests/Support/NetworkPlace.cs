namespace BlueZero.Tests.Support;

/// <summary>
/// Where an executable runs when it is not on the test's own loopback: inside network namespace <paramref name="Namespace"/>
/// (started through <c>ip netns exec</c>, which execs it, so the pid is the executable's own), advertising
/// <paramref name="Address"/> to the cluster and, for a hub, serving HTTP on it.
/// </summary>
public sealed record NetworkPlace(string Namespace, string Address)
{
    /// <summary>The command line that runs <paramref name="program"/> in the namespace.</summary>
    public IReadOnlyList<string> Wrap(string program) => ["ip", "netns", "exec", Namespace, program];

    public IReadOnlyList<string> ClusterHostArgs => ["--cluster-host", Address];
}
