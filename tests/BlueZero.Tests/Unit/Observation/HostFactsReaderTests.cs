using System.Text.RegularExpressions;
using BlueZero.ProcessManager.Observation;
using Xunit;

namespace BlueZero.Tests.Unit.Observation;

/// <summary>The host facts of this machine, read for real from /proc and /sys.</summary>
public sealed class HostFactsReaderTests
{
    private readonly HostFacts _facts = new HostFactsReader().Read();

    [Fact]
    public void Total_memory_is_MemTotal_in_bytes()
    {
        var memTotalKb = long.Parse(Regex.Match(File.ReadAllText("/proc/meminfo"), @"MemTotal:\s+(\d+) kB").Groups[1].Value);

        Assert.Equal(memTotalKb * 1024, _facts.Memory.TotalBytes);
        Assert.InRange(_facts.Memory.AvailableBytes, 1, _facts.Memory.TotalBytes);
    }

    [Fact]
    public void Cores_are_the_processors_this_process_may_use()
    {
        Assert.Equal(Environment.ProcessorCount, _facts.Cpu.Cores);
        Assert.NotEqual(SystemFiles.Unknown, _facts.Cpu.Model);
    }

    [Fact]
    public void At_least_one_disk_is_listed_with_its_size()
    {
        Assert.NotEmpty(_facts.Disks);
        Assert.All(_facts.Disks, disk => Assert.True(disk.TotalBytes > 0 && disk.AvailableBytes <= disk.TotalBytes));
    }

    [Fact]
    public void Each_mount_point_is_listed_once()
    {
        Assert.Equal(_facts.Disks.Count, _facts.Disks.Select(d => d.Mount).Distinct().Count());
    }

    [Fact]
    public void Loopback_is_up_with_127_0_0_1()
    {
        var lo = Assert.Single(_facts.Nics, nic => nic.Name == "lo");

        Assert.True(lo.Up);
        Assert.Contains("127.0.0.1", lo.Addresses);
    }

    [Fact]
    public void Os_facts_name_the_running_kernel_and_host()
    {
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), _facts.Os.Kernel);
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/hostname").Trim(), _facts.Os.Hostname);
        Assert.True(_facts.Os.UptimeS > 0);
    }
}
