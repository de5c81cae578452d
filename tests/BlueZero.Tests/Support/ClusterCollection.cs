using Xunit;
namespace BlueZero.Tests.Support;

/// <summary>
/// Every test that forms a cluster (in-process actor systems or real executables) runs in this one collection,
/// one at a time: failure detection works on seconds, and two clusters competing for 2 cores make it flaky.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster";
}
