using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Configuration;
using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.State;
using BlueZero.ProcessManager.Actors;
using BlueZero.Mesh.Configuration;
using BlueZero.ProcessManager.Launching;
using BlueZero.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace BlueZero.Tests.ProcessManager;

/// <summary>
/// A local actor system (no cluster) that serializes every protocol message with the production serializer, and a
/// <see cref="ProcessManagerActor"/> driving real OS processes through the real <see cref="PosixProcessLauncher"/>,
/// wrapped in a <see cref="RecordingLauncher"/>. Every process a test started is killed when the test ends.
/// </summary>
public abstract class ProcessManagerTestKit : Akka.TestKit.Xunit2.TestKit
{
    protected const string HostName = "test-host";
    protected const int SIGINT = 2, SIGKILL = 9, SIGTERM = 15;

    protected static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(300);
    protected static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(3);
    protected static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(5);

    private static readonly Config LocalSerializingConfig = ConfigurationFactory.ParseString("""
        akka {
          loglevel = INFO
          actor {
            provider = local
            serialize-messages = on
            serializers {
              bluezero = "BlueZero.Messages.Serialization.BlueZeroSerializer, BlueZero.Messages"
            }
            serialization-bindings {
              "BlueZero.Messages.Protocol.IBlueZeroMessage, BlueZero.Messages" = bluezero
            }
          }
        }
        """);

    private readonly PosixProcessLauncher _posixLauncher = new();
    private readonly List<int> _otherPidsToKill = new();
    private readonly List<string> _tempDirectories = new();

    protected ProcessManagerTestKit(ITestOutputHelper output)
        : base(LocalSerializingConfig, null, output)
    {
        Launcher = new RecordingLauncher(_posixLauncher);
    }

    protected RecordingLauncher Launcher { get; }

    /// <summary>Outlives the managers of one test, as the real table outlives actor systems.</summary>
    protected ProcessTable Table { get; } = new();

    protected static ProcessManagerOptions DefaultOptions { get; } = ShippedSettings.ProcessManager with
    {
        HostName = HostName,
        StopGrace = Grace,
        KillGrace = Grace,
        RetentionMaxRecords = 100,
        RetentionMaxAge = TimeSpan.FromMinutes(10),
        AllowedPaths = [],
        ChildEnvironment = new Dictionary<string, string>(),
        DataDirectory = Path.GetTempPath(),
    };

    protected IActorRef CreateManager(ProcessManagerOptions? options = null) =>
        Sys.ActorOf(ProcessManagerActor.Props(options ?? DefaultOptions, Launcher, Table));

    /// <summary>Sends <paramref name="command"/> from a fresh probe and returns the single reply.</summary>
    protected object Request(IActorRef manager, object command, TimeSpan? timeout = null)
    {
        var probe = CreateTestProbe();
        manager.Tell(command, probe.Ref);
        return probe.ExpectMsg<object>(timeout ?? ReplyTimeout);
    }

    protected T Request<T>(IActorRef manager, object command, TimeSpan? timeout = null) =>
        Request(manager, command, timeout) switch
        {
            T reply => reply,
            var other => throw new XunitException($"{command} was answered with {other}, expected a {typeof(T).Name}"),
        };

    protected string FailureOf(IActorRef manager, object command) => Request<CommandFailed>(manager, command).ErrorMessage;

    protected int Start(IActorRef manager, string path, params string[] args) =>
        Request<ProcessStarted>(manager, new StartProcess(path, args)).Pid;

    protected ProcessStatus Query(IActorRef manager, int pid) =>
        Request<ProcessStatus>(manager, new QueryProcessStatus(ProcessTarget.ByPid(pid)));

    protected IReadOnlyList<int> ListRunning(IActorRef manager) =>
        Request<ActiveProcesses>(manager, new ListActiveProcesses()).Pids;

    /// <summary>Queries until the manager reports the process ended, and returns that status.</summary>
    protected ProcessStatus AwaitEnded(IActorRef manager, int pid)
    {
        ProcessStatus? status = null;
        AwaitAssert(() =>
        {
            status = Query(manager, pid);
            Assert.False(status.Info.Running, $"pid {pid} still running");
        }, ExitTimeout, TimeSpan.FromMilliseconds(50));
        return status!;
    }

    protected void AwaitDead(int pid, TimeSpan? timeout = null) =>
        AwaitCondition(() => !OsProcesses.IsAlive(pid), timeout ?? ExitTimeout, TimeSpan.FromMilliseconds(50),
            $"pid {pid} is still alive");

    protected string CreateTempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bz-pm-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        _tempDirectories.Add(path);
        return path;
    }

    protected static string WriteScript(string path, string body, bool executable = true)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("the process manager runs on Linux only");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, executable
            ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
              UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
            : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return path;
    }

    /// <summary>Waits until a script has written a pid (and a newline) into <paramref name="file"/>; kills it at the end.</summary>
    protected int ReadPidFile(string file)
    {
        var pid = 0;
        AwaitAssert(() =>
        {
            var text = File.Exists(file) ? File.ReadAllText(file) : "";
            Assert.EndsWith("\n", text);
            pid = int.Parse(text.Trim());
        }, ReplyTimeout, TimeSpan.FromMilliseconds(20));
        _otherPidsToKill.Add(pid);
        return pid;
    }

    protected override void Dispose(bool disposing)
    {
        try
        {
            if (disposing) KillEverythingStarted();
        }
        finally
        {
            base.Dispose(disposing);
            if (disposing)
            {
                _posixLauncher.Dispose();
                foreach (var directory in _tempDirectories)
                    try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
            }
        }
    }

    private void KillEverythingStarted()
    {
        var pids = Launcher.LaunchedPids.Concat(_otherPidsToKill).ToList();
        foreach (var pid in Launcher.LaunchedPids) kill(-pid, SIGKILL); // the process group of each started process
        foreach (var pid in pids) OsProcesses.KillHard(pid);
        foreach (var pid in pids) AwaitDead(pid);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
