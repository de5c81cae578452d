using BlueZero.ProcessManager.Native;

namespace BlueZero.ProcessManager.Observation;

/// <summary>Size figures of a mounted file system, from statvfs(3).</summary>
/// <param name="AvailableBytes">Free to unprivileged users: blocks reserved for root are not counted.</param>
public sealed record FileSystemSpace(long TotalBytes, long FreeBytes, long AvailableBytes)
{
    /// <summary>As df computes it: used / (used + available), so the root reserve counts as neither.</summary>
    public double PercentUsed
    {
        get
        {
            var used = TotalBytes - FreeBytes;
            var usable = used + AvailableBytes;
            return usable > 0 ? Math.Clamp(100.0 * used / usable, 0, 100) : 0;
        }
    }

    /// <summary>Null when statvfs fails (the mount point is gone or not reachable by this user).</summary>
    /// <remarks>Like df, this can block on a hard-mounted network file system whose server is away.</remarks>
    public static FileSystemSpace? Of(string mountPoint)
    {
        if (LibC.statvfs(mountPoint, out var vfs) != 0) return null;
        var unit = vfs.FragmentSize > 0 ? vfs.FragmentSize : vfs.BlockSize;
        return new FileSystemSpace(Bytes(vfs.Blocks, unit), Bytes(vfs.FreeBlocks, unit), Bytes(vfs.AvailableBlocks, unit));
    }

    private static long Bytes(ulong blocks, ulong unit) => (long)Math.Min(blocks * unit, long.MaxValue);
}
