using Xunit;
using BlueZero.Hub;
using BlueZero.Messages.Protocol;
using BlueZero.Mesh.Configuration;
using BlueZero.ProcessManager.Launching;
using BlueZero.Tests.Support;

namespace BlueZero.Tests.Unit;

/// <summary>run-as: resolved and checked at startup, children started through setpriv with their argv unchanged.</summary>
public sealed class RunAsTests
{
    private static bool IsRoot => Environment.UserName == "root";

    private static MeshSetup Build(string[] args)
    {
        var flags = GivenFlags.Parse(args, HubOptions.Flags);
        return MeshSetup.Build(MeshMember.Node, flags, new Dictionary<string, string>(), HubOptions.Flags);
    }

    [Fact]
    public void Unset_means_children_run_as_the_node()
    {
        Assert.Null(Build([]).ProcessManager.RunAs);
    }

    [Fact]
    public void An_unknown_user_is_refused_at_startup()
    {
        var message = Assert.Throws<SetupException>(() => Build(["--run-as", "no-such-user-b0"])).Message;
        Assert.Equal("run-as user 'no-such-user-b0' does not exist on this machine", message);
    }

    [Fact]
    public void The_request_is_wrapped_in_setpriv_and_the_target_argv_is_unchanged()
    {
        var user = new RunAsUser("nobody", 65534, 65534);
        var options = ShippedSettings.ProcessManager with { HostName = "h", RunAs = user };
        var request = ProcessLaunching.RequestFor(new StartProcess("/bin/echo", ["a b", "--", "$HOME"], null, "/tmp"), options, null);
        Assert.Equal("/usr/bin/setpriv", request.Path);
        Assert.Equal(["--reuid=65534", "--regid=65534", "--init-groups", "--", "/bin/echo", "a b", "--", "$HOME"], request.Args);
        Assert.Equal("/tmp", request.WorkingDirectory);
    }

    [Fact]
    public async Task A_root_node_starts_children_as_the_run_as_user()
    {
        if (!IsRoot || !File.Exists(RunAsUser.SetprivPath)) return; // only meaningful where the node can switch users
        var setup = Build(["--run-as", "nobody"]);
        var user = Assert.IsType<RunAsUser>(setup.ProcessManager.RunAs);
        var dir = Directory.CreateTempSubdirectory("b0-runas-").FullName;
        try
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0x1FF); // 0777, so nobody can write the marker
            var marker = Path.Combine(dir, "marker");
            using var launcher = new PosixProcessLauncher();
            var request = ProcessLaunching.RequestFor(new StartProcess("/usr/bin/touch", [marker], null, null), setup.ProcessManager, null);
            var launched = Assert.IsType<Launched>(launcher.Launch(request));
            var exited = new TaskCompletionSource<ProcessExit>();
            launcher.WatchExit(launched.Pid, exit => exited.TrySetResult(exit));
            await exited.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(File.Exists(marker), "the child did not run");
            using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%u", marker]) { RedirectStandardOutput = true })!;
            var owner = (await stat.StandardOutput.ReadToEndAsync()).Trim();
            await stat.WaitForExitAsync();
            Assert.Equal(user.Uid.ToString(), owner);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
