namespace BlueZero.Messages.Protocol;

/// <summary>Names one managed process: by pid, or by the unique name given at start.</summary>
public sealed record ProcessTarget(int? Pid, string? Name)
{
    public static ProcessTarget ByPid(int pid) => new(pid, null);
    public static ProcessTarget ByName(string name) => new(null, name);

    /// <summary>Exactly one of a positive pid or a non-empty name, as the wire parser guarantees.</summary>
    public bool IsWellFormed => Pid is { } pid ? pid > 0 && Name is null : !string.IsNullOrEmpty(Name);
    public override string ToString() => Pid is { } pid ? $"pid {pid}" : $"name {Name}";
}

public sealed record StartProcess(
    string Path,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string>? Env = null,
    string? Cwd = null,
    string? Name = null) : INodeCommand;

/// <summary>Stop escalation on the whole tree. With <paramref name="Wait"/> the reply comes once the process has exited.</summary>
public sealed record StopProcess(ProcessTarget Target, bool Wait = false) : INodeCommand;

public sealed record QueryProcessStatus(ProcessTarget Target) : INodeCommand;

public sealed record ListActiveProcesses : INodeCommand;
