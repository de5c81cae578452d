using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager.Observation;

/// <summary>What the host looks like now: the parts of <see cref="HostInfo"/> that come from the machine, not the node.</summary>
public sealed record HostFacts(CpuFacts Cpu, MemoryFacts Memory, IReadOnlyList<DiskFacts> Disks, IReadOnlyList<NicFacts> Nics, OsFacts Os);
