using BlueZero.ProcessManager.Observation;
using Xunit;

namespace BlueZero.Tests.Unit.Observation;

/// <summary>When an interface counts as up, from /sys/class/net/&lt;name&gt;/operstate and flags.</summary>
public sealed class NicFactsReaderTests
{
    [Theory]
    [InlineData("up", "0x1003", true)]
    [InlineData("up", null, true)]
    [InlineData("down", "0x1003", false)]          // administratively up, no carrier
    [InlineData("unknown", "0x9", true)]           // loopback: never reports a carrier, IFF_UP set
    [InlineData("unknown", "0x8", false)]
    [InlineData("unknown", null, false)]
    [InlineData("dormant", "0x1", false)]
    [InlineData(null, null, false)]
    [InlineData("unknown", "garbage", false)]
    public void Up_is_operstate_up_or_unknown_with_IFF_UP(string? operState, string? flags, bool up)
    {
        Assert.Equal(up, NicFactsReader.IsUp(operState, flags));
    }
}
