using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager.Observation;

/// <summary>Kernel release, distribution, host name and uptime, from /proc and os-release.</summary>
public static class OsFactsReader
{
    public const string KernelReleasePath = "/proc/sys/kernel/osrelease";
    public const string HostNamePath = "/proc/sys/kernel/hostname";

    public static OsFacts Read() => new(
        Kernel: SystemFiles.ReadFirstLine(KernelReleasePath) ?? SystemFiles.Unknown,
        Distribution: OsReleaseFile.ReadPrettyName(),
        Hostname: SystemFiles.ReadFirstLine(HostNamePath) ?? SystemFiles.Unknown,
        UptimeS: UptimeFile.ReadSeconds());
}
