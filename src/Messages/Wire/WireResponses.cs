using BlueZero.Messages.Protocol;

namespace BlueZero.Messages.Wire;

/// <summary>One host's part of a cluster-wide answer: the node's reply, or why there is none.</summary>
public sealed record HostReply(string HostName, INodeReply? Reply, string? ErrorMessage);

/// <summary>One row of GET /hosts. <see cref="Processes"/> is null when the node did not answer.</summary>
/// <param name="Since">When the host got its status (registered, became unreachable, removed or left).</param>
/// <param name="CpuPercent">The host's cpu use over the node's last sample interval; null when the node did not answer.</param>
public sealed record HostSummary(string HostName, string Address, string Status, DateTimeOffset Since, int? Processes, double? CpuPercent = null, double? MemoryPercent = null);
