using BlueZero.Cli;
using BlueZero.Cli.Commands;
using Xunit;

namespace BlueZero.Tests.Unit.Cli;

/// <summary>The placeholders of a plan file for <c>b0 up</c>.</summary>
public sealed class PlanFileTests
{
    private static string? Environment(string name) => name == "B0_NODE" ? "lab-2" : null;

    [Fact]
    public void Hub_is_the_hubs_own_host_name() => Assert.Equal("host: vm", PlanFile.Expand("host: ${HUB}", "vm", Environment));

    [Fact]
    public void A_set_variable_is_its_value() => Assert.Equal("host: lab-2", PlanFile.Expand("host: ${B0_NODE:-HUB}", "vm", Environment));

    [Fact]
    public void An_unset_variable_falls_back_to_the_name_after_the_dash() =>
        Assert.Equal("host: vm", PlanFile.Expand("host: ${B0_OTHER:-HUB}", "vm", Environment));

    [Fact]
    public void An_unset_variable_without_a_fallback_is_a_usage_error() =>
        Assert.Equal(CliExit.Usage, Assert.Throws<CliFailure>(() => PlanFile.Expand("host: ${B0_OTHER}", "vm", Environment)).Exit);
}
