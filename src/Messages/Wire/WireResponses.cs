namespace BlueZero.Messages.Wire;

/// <summary>One host's entry in the cluster-wide listing: either its pids or why they are missing.</summary>
public sealed record HostPids(string HostName, IReadOnlyList<int>? Pids, string? ErrorMessage);

/// <summary>One row of GET /hosts. <see cref="Processes"/> is null when the node did not answer.</summary>
public sealed record HostSummary(string HostName, string Address, string Status, int? Processes);
