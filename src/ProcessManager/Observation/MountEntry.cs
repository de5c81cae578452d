namespace BlueZero.ProcessManager.Observation;

/// <summary>One line of /proc/self/mounts, with the octal escapes already decoded.</summary>
public sealed record MountEntry(string Device, string MountPoint, string FsType);
