using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Observation;
using Xunit;

namespace BlueZero.Tests.Unit.Observation;

/// <summary>/proc/meminfo gives total and available memory in kB; the facts are in bytes.</summary>
public sealed class MemInfoFileTests
{
    [Fact]
    public void Captured_file_gives_total_and_available_bytes()
    {
        var memory = MemInfoFile.Parse(SampleFiles.Read("proc-meminfo.txt"));

        Assert.Equal(24_684_084L * 1024, memory.TotalBytes);
        Assert.Equal(23_996_824L * 1024, memory.AvailableBytes);
        Assert.Equal(100.0 * (24_684_084 - 23_996_824) / 24_684_084, memory.PercentUsed, precision: 6);
    }

    [Fact]
    public void Kernel_without_MemAvailable_falls_back_to_free_memory()
    {
        var memory = MemInfoFile.Parse("MemTotal:  1000 kB\nMemFree:  250 kB\nBuffers:  10 kB\n");

        Assert.Equal(250L * 1024, memory.AvailableBytes);
        Assert.Equal(75, memory.PercentUsed, precision: 6);
    }

    [Fact]
    public void Empty_text_gives_zeros()
    {
        Assert.Equal(new MemoryFacts(0, 0, 0), MemInfoFile.Parse(""));
    }
}
