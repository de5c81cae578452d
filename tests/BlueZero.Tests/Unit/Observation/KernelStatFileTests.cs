using BlueZero.ProcessManager.Observation;
using Xunit;

namespace BlueZero.Tests.Unit.Observation;

/// <summary>/proc/stat cpu lines become busy and total jiffies, for the whole host and per core.</summary>
public sealed class KernelStatFileTests
{
    [Fact]
    public void Captured_file_gives_the_aggregate_and_one_entry_per_core()
    {
        var reading = KernelStatFile.Parse(SampleFiles.Read("proc-stat.txt"));

        // cpu  744118 0 122275 953441 1886 0 817 894 0 0: busy = user+nice+system+irq+softirq+steal, idle = idle+iowait.
        Assert.Equal(new CpuTimes(Busy: 868_104, Total: 868_104 + 955_327), reading.All);
        Assert.Equal(2, reading.PerCore.Count);
        Assert.Equal(new CpuTimes(Busy: 426_888, Total: 426_888 + 484_638), reading.PerCore[0]);
    }

    [Fact]
    public void Guest_time_is_not_counted_twice()
    {
        // guest and guest_nice are already included in user and nice.
        var reading = KernelStatFile.Parse("cpu  100 0 0 300 0 0 0 0 40 10\n");

        Assert.Equal(new CpuTimes(Busy: 100, Total: 400), reading.All);
    }

    [Fact]
    public void A_short_line_from_an_old_kernel_counts_missing_columns_as_zero()
    {
        var reading = KernelStatFile.Parse("cpu 10 20 30 40\ncpu0 10 20 30 40\nintr 5 0 0\n");

        Assert.Equal(new CpuTimes(Busy: 60, Total: 100), reading.All);
        Assert.Single(reading.PerCore);
    }

    [Fact]
    public void Empty_text_gives_zero_times_and_no_cores()
    {
        Assert.Equal(CpuTimesReading.SinceBoot.All, KernelStatFile.Parse("").All);
        Assert.Empty(KernelStatFile.Parse("").PerCore);
    }
}
