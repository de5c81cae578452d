using Xunit;

namespace BlueZero.Tests.NetworkFaults;

/// <summary>A test that builds network namespaces: skipped, with the one reason, where that cannot be done.</summary>
public sealed class NetworkFaultFactAttribute : FactAttribute
{
    public NetworkFaultFactAttribute()
    {
        if (FaultNetwork.Unavailable is { } why) Skip = why;
    }
}
