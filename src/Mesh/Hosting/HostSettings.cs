namespace BlueZero.Mesh.Hosting;

/// <summary>What the hub's and the node's .NET hosts are built with.</summary>
public static class HostSettings
{
    /// <summary>
    /// Host arguments that turn off reloading appsettings*.json on change. Neither executable reads settings from
    /// those files (HOCON, flags and B0_* variables do that), but by default the host watches its content root, the
    /// working directory, recursively through inotify: a hub started from a source tree watched every directory of
    /// it and woke on every build and log write, and one started from / would try to watch the whole file system.
    /// </summary>
    public static readonly string[] Args = ["--hostBuilder:reloadConfigOnChange=false"];
}
