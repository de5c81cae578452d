using BlueZero.ProcessManager.Observation;
using Xunit;

namespace BlueZero.Tests.Unit.Observation;

/// <summary>The cpu model comes from whichever /proc/cpuinfo key the architecture provides.</summary>
public sealed class CpuInfoFileTests
{
    [Fact]
    public void X86_model_name_is_used()
    {
        Assert.Equal("AMD EPYC", CpuInfoFile.ParseModel(SampleFiles.Read("proc-cpuinfo-x86_64.txt")));
    }

    [Fact]
    public void Arm64_without_a_model_name_is_named_by_implementer_and_part()
    {
        Assert.Equal("ARM CPU part 0xd0c", CpuInfoFile.ParseModel(SampleFiles.Read("proc-cpuinfo-arm64.txt")));
    }

    [Fact]
    public void Arm64_board_that_names_itself_is_named_by_its_model()
    {
        const string raspberryPi =
            "processor\t: 0\nBogoMIPS\t: 108.00\nCPU implementer\t: 0x41\nCPU part\t: 0xd08\n\n" +
            "Hardware\t: BCM2835\nRevision\t: c03114\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n";

        Assert.Equal("Raspberry Pi 4 Model B Rev 1.4", CpuInfoFile.ParseModel(raspberryPi));
    }

    [Fact]
    public void Unknown_implementer_is_shown_by_its_id()
    {
        Assert.Equal("implementer 0x99 CPU part 0x001", CpuInfoFile.ParseModel("CPU implementer\t: 0x99\nCPU part\t: 0x001\n"));
    }

    [Fact]
    public void Nothing_recognisable_gives_unknown()
    {
        Assert.Equal(SystemFiles.Unknown, CpuInfoFile.ParseModel("processor\t: 0\n"));
    }
}
