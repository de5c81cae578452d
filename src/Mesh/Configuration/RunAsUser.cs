using System.Runtime.InteropServices;

namespace BlueZero.Mesh.Configuration;

/// <summary>
/// <c>run-as</c>: children are started as another user. posix_spawn cannot change the uid, so the launcher spawns
/// <c>setpriv --reuid=UID --regid=GID --init-groups -- PATH ARGS...</c> (util-linux), which changes identity and then
/// execs PATH in the same process: the pid is the child's, and the child's argv is exactly PATH ARGS...
/// Only a node running as root can do this; every precondition is checked once, at startup.
/// </summary>
public sealed partial record RunAsUser(string Name, uint Uid, uint Gid)
{
    public const string SetprivPath = "/usr/bin/setpriv";

    /// <summary>Looks <paramref name="name"/> up and checks that this node can switch to it; throws <see cref="SetupException"/> otherwise.</summary>
    public static RunAsUser Resolve(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains(':') || name.Contains('/'))
            throw new SetupException($"run-as user '{name}' is not a valid user name");
        var user = Lookup(name) ?? throw new SetupException($"run-as user '{name}' does not exist on this machine");
        if (geteuid() != 0)
            throw new SetupException($"run-as = '{name}' needs the node to run as root (it runs as uid {geteuid()}); remove run-as or start the node as root");
        if (!File.Exists(SetprivPath))
            throw new SetupException($"run-as = '{name}' needs {SetprivPath} (util-linux), which is not installed");
        return user;
    }

    /// <summary>setpriv's arguments that switch to this user before the target's own path and argv.</summary>
    public IReadOnlyList<string> SetprivArgs => [$"--reuid={Uid}", $"--regid={Gid}", "--init-groups", "--"];

    private static RunAsUser? Lookup(string name)
    {
        // Also numeric uids, as setpriv accepts them.
        var entry = getpwnam(name);
        if (entry == IntPtr.Zero && uint.TryParse(name, out var numeric)) entry = getpwuid(numeric);
        if (entry == IntPtr.Zero) return null;
        var passwd = Marshal.PtrToStructure<Passwd>(entry);
        return new RunAsUser(Marshal.PtrToStringUTF8(passwd.Name) ?? name, passwd.Uid, passwd.Gid);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Passwd
    {
        public IntPtr Name;
        public IntPtr Password;
        public uint Uid;
        public uint Gid;
        public IntPtr Gecos;
        public IntPtr Directory;
        public IntPtr Shell;
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getpwnam(string name);

    [LibraryImport("libc")]
    private static partial IntPtr getpwuid(uint uid);

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
