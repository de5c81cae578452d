using Akka.Configuration;
using Xunit;
using BlueZero.Hub;
using BlueZero.Messages.Wire;
using BlueZero.Mesh.Configuration;
using BlueZero.ProcessManager.Launching;

namespace BlueZero.Tests.Unit;

/// <summary>--allow-path (repeatable), else B0_ALLOW_PATHS (comma-separated), else HOCON allowed-paths.</summary>
public sealed class AllowedPathsFlagTests
{
    private static readonly Config Hocon = ConfigurationFactory.ParseString("""bluezero.process-manager.allowed-paths = ["/from/hocon"]""");

    private static IReadOnlyList<string> Resolve(string[] args, Dictionary<string, string>? environment = null)
    {
        var flags = GivenFlags.Parse(args, HubOptions.Flags);
        environment ??= new Dictionary<string, string>();
        var layered = MeshConfiguration.Build([new HoconFiles.HoconFile("test", Hocon)], HubOptions.Flags, environment, flags);
        return MeshSetup.AllowedPaths(new SettingValues(layered, environment));
    }

    [Fact]
    public void Flags_override_the_environment_which_overrides_hocon()
    {
        Assert.Equal(["/from/hocon"], Resolve([]));
        Assert.Equal(["/usr/bin", "/opt/app"], Resolve([], new() { ["B0_ALLOW_PATHS"] = "/usr/bin, /opt/app/" }));
        Assert.Equal(["/a", "/b"], Resolve(["--allow-path", "/a", "--allow-path=/b"], new() { ["B0_ALLOW_PATHS"] = "/usr/bin" }));
    }

    [Fact]
    public void Relative_directories_are_refused_with_a_clear_message()
    {
        var message = Assert.Throws<SetupException>(() => Resolve(["--allow-path", "bin"])).Message;
        Assert.Equal("allowed path 'bin' must be an absolute directory (--allow-path, B0_ALLOW_PATHS or allowed-paths)", message);
        Assert.Throws<SetupException>(() => Resolve([], new() { ["B0_ALLOW_PATHS"] = "/ok,./not" }));
    }

    [Fact]
    public void The_flag_reaches_the_process_manager_options()
    {
        var flags = GivenFlags.Parse(["--allow-path", "/usr/bin"], HubOptions.Flags);
        var setup = MeshSetup.Build(MeshMember.Node, flags, new Dictionary<string, string>(), HubOptions.Flags);
        Assert.Equal(["/usr/bin"], setup.ProcessManager.AllowedPaths);
    }

    [Fact]
    public void A_path_outside_the_allowed_directories_is_permission_denied_even_through_dot_dot_or_a_symlink()
    {
        var root = Directory.CreateTempSubdirectory("b0-allow-").FullName;
        try
        {
            var allowed = Directory.CreateDirectory(Path.Combine(root, "allowed")).FullName;
            var outside = Directory.CreateDirectory(Path.Combine(root, "outside")).FullName;
            var inside = Path.Combine(allowed, "tool");
            var escaped = Path.Combine(outside, "tool");
            foreach (var file in new[] { inside, escaped })
            {
                File.WriteAllText(file, "#!/bin/sh\n");
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            var link = Path.Combine(allowed, "link");
            File.CreateSymbolicLink(link, escaped);
            // A link to a file reached through a symlinked directory elsewhere.
            var dirLink = Path.Combine(root, "dirlink");
            Directory.CreateSymbolicLink(dirLink, outside);
            var viaDirLink = Path.Combine(allowed, "via-dir-link");
            File.CreateSymbolicLink(viaDirLink, Path.Combine(dirLink, "tool"));
            var policy = new PathPolicy([allowed]);

            Assert.Null(policy.Check(inside, null));
            Assert.Equal(ErrorTexts.PermissionDenied(escaped), policy.Check(escaped, null));
            var dotDot = Path.Combine(allowed, "..", "outside", "tool");
            Assert.Equal($"permission denied: {dotDot}", policy.Check(dotDot, null));
            Assert.Equal($"permission denied: {link}", policy.Check(link, null));
            Assert.Equal($"permission denied: {viaDirLink}", policy.Check(viaDirLink, null));
            Assert.Equal("permission denied: /bin/sh", policy.Check("/bin/sh", null));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
