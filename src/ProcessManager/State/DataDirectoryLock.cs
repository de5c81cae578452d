using BlueZero.Mesh.Hosting;

namespace BlueZero.ProcessManager.State;

/// <summary>
/// One live node per data directory. Two nodes started with the same host_name on one machine would share the
/// process table (its default directory is named after the host_name): the second would re-adopt the first one's
/// processes and could stop them. The lock is an exclusive flock (what .NET's FileShare.None is on Linux) on
/// DATA-DIR/node.lock, held for the process's life; the kernel releases it when the process dies, even by SIGKILL, so a
/// node restarted after a crash takes it over at once. The descriptor is close-on-exec, so managed processes never
/// inherit it.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "node.lock";

    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    /// <returns>The held lock; or null, with <paramref name="refusal"/> saying why in one line and
    /// <paramref name="exitCode"/> what the executable should exit with: another live node holds the directory
    /// (host_name taken), or the directory cannot be used at all (no permission, a file in its place).</returns>
    public static DataDirectoryLock? TryAcquire(string dataDirectory, string hostName, out string? refusal, out int exitCode)
    {
        refusal = null;
        exitCode = ExitCodes.Stopped;
        try
        {
            Directory.CreateDirectory(dataDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            (refusal, exitCode) = (Unusable(dataDirectory, ex), ExitCodes.CouldNotStart);
            return null;
        }
        try
        {
            var file = new FileStream(Path.Combine(dataDirectory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            // The holder's pid, for a person who finds the file; the lock itself is what counts.
            file.SetLength(0);
            file.Write(System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"));
            file.Flush();
            return new DataDirectoryLock(file);
        }
        catch (UnauthorizedAccessException ex)
        {
            (refusal, exitCode) = (Unusable(dataDirectory, ex), ExitCodes.CouldNotStart);
            return null;
        }
        catch (IOException)
        {
            (refusal, exitCode) = (InUse(dataDirectory, hostName), ExitCodes.HostNameTaken);
            return null;
        }
    }

    private static string InUse(string dataDirectory, string hostName) =>
        $"host_name {hostName} is taken on this machine: another live node holds its data directory {dataDirectory} " +
        "(start this one with another --host-id, or another --data-dir)";

    private static string Unusable(string dataDirectory, Exception ex) =>
        $"cannot use the data directory {dataDirectory}: {ex.Message} (see --data-dir)";

    public void Dispose() => _file.Dispose();
}
