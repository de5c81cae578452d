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

    /// <returns>The held lock, or null when another live process holds it.</returns>
    public static DataDirectoryLock? TryAcquire(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        try
        {
            var file = new FileStream(Path.Combine(dataDirectory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            // The holder's pid, for a person who finds the file; the lock itself is what counts.
            file.SetLength(0);
            var pid = System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n");
            file.Write(pid);
            file.Flush();
            return new DataDirectoryLock(file);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The one-line reason a second node with the same data directory does not start.</summary>
    public static string InUse(string dataDirectory, string hostName) =>
        $"host_name {hostName} is taken on this machine: another live node holds its data directory {dataDirectory} " +
        "(start this one with another --host-id, or another --data-dir)";

    public void Dispose() => _file.Dispose();
}
