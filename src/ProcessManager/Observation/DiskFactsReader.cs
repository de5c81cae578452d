using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager.Observation;

/// <summary>
/// The host's mounted file systems that hold data, with their sizes. Kernel interfaces dressed as file systems
/// (proc, sysfs, cgroup, ...) are left out by type. tmpfs and overlay stay: /dev/shm, /tmp or a container's root
/// hold real data and fill up like disks. Left out too: anything of size 0, and whatever is mounted under /proc or
/// /sys (a container's tmpfs on /sys/fs/cgroup holds kernel interfaces, not data).
/// </summary>
public static class DiskFactsReader
{
    private static readonly HashSet<string> PseudoFileSystems = new(StringComparer.Ordinal)
    {
        "proc", "sysfs", "devtmpfs", "devpts", "mqueue", "debugfs", "tracefs", "securityfs", "pstore", "bpf",
        "fusectl", "configfs", "autofs", "binfmt_misc", "hugetlbfs", "nsfs", "efivarfs", "selinuxfs", "rpc_pipefs",
    };

    private static readonly string[] KernelInterfaceTrees = ["/proc", "/sys"];

    public static IReadOnlyList<DiskFacts> Read() => Select(MountsFile.Read(), FileSystemSpace.Of);

    /// <param name="spaceOf">Sizes of the file system mounted at a path, or null when they cannot be read.</param>
    public static IReadOnlyList<DiskFacts> Select(IEnumerable<MountEntry> mounts, Func<string, FileSystemSpace?> spaceOf)
    {
        // A later mount on the same point hides the earlier ones, so the last entry for each point is the one in use.
        var visible = mounts.Reverse().DistinctBy(m => m.MountPoint).Reverse();
        var disks = new List<DiskFacts>();
        foreach (var mount in visible)
        {
            if (IsPseudo(mount) || spaceOf(mount.MountPoint) is not { TotalBytes: > 0 } space) continue;
            disks.Add(new DiskFacts(mount.MountPoint, mount.Device, mount.FsType, space.TotalBytes, space.AvailableBytes, space.PercentUsed));
        }
        return disks;
    }

    public static bool IsPseudo(MountEntry mount) =>
        PseudoFileSystems.Contains(mount.FsType)
        || mount.FsType.StartsWith("cgroup", StringComparison.Ordinal)
        || KernelInterfaceTrees.Any(tree => mount.MountPoint == tree || mount.MountPoint.StartsWith(tree + "/", StringComparison.Ordinal));
}
