namespace BlueZero.ProcessManager.Observation;

/// <summary>
/// Reads the host's facts from /proc and /sys (no shelling out). A missing or unreadable source gives "unknown",
/// 0 or an empty list for its part; Read never throws. Cpu usage covers the time since the previous Read
/// (the first covers the time since boot), so keep one reader per node.
/// </summary>
public sealed class HostFactsReader
{
    private readonly CpuUsageSampler _cpu;

    public HostFactsReader() : this(CpuUsageSampler.ForThisHost()) { }

    public HostFactsReader(CpuUsageSampler cpu) => _cpu = cpu;

    public HostFacts Read() => new(_cpu.Sample(), MemInfoFile.Read(), DiskFactsReader.Read(), NicFactsReader.Read(), OsFactsReader.Read());
}
