using System.Runtime.InteropServices;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using BlueZero.ProcessManager.Native;
using BlueZero.ProcessManager.Output;

namespace BlueZero.ProcessManager.Launching;

/// <summary>
/// Starts processes with posix_spawn: argv passed exactly (no shell), stdin from /dev/null or a pipe fed once,
/// stdout and stderr to pipes read by the <see cref="OutputPump"/> (or /dev/null, or the node's own), every signal reset
/// to its default (the runtime ignores SIGPIPE, which a child must not inherit), no other inherited descriptors, and a
/// process group of its own so a stop reaches the tree.
/// One instance per OS process: it outlives actor systems, so a node that rejoins keeps its children and their pipes.
/// </summary>
public sealed class PosixProcessLauncher : IProcessLauncher, IDisposable
{
    private readonly ChildReaper _reaper = new();
    private readonly Lazy<OutputPump> _pump = new(() => new OutputPump());

    /// <summary>Every watched process holds a pidfd, so the node needs as many descriptors as it manages processes.</summary>
    public PosixProcessLauncher() => OpenFileLimit = Native.OpenFileLimit.RaiseSoftToHard();

    /// <summary>The open-file soft limit in force after start-up, as (before, after); logged by the hosts.</summary>
    public (ulong Before, ulong After) OpenFileLimit { get; }
    private readonly ProcessTree _tree = new();
    private readonly object _spawnGate = new();

    public LaunchOutcome Launch(LaunchRequest request)
    {
        using var pipes = new ChildPipes();
        if (!pipes.Create(request))
            return new LaunchFailed(ErrorTexts.CannotCapture(request.Path, LibC.ErrorText(LibC.LastError)));
        var outcome = Spawn(request, pipes);
        if (outcome is Launched launched)
            pipes.HandOver(request, launched.Pid, _pump.Value);
        return outcome;
    }

    /// <summary>
    /// The environment block of the latest spawn, kept for the next one: nearly every start passes the node's own child
    /// environment (the same dictionary), so it is marshalled once, not at every start. Used and replaced under
    /// <see cref="_spawnGate"/>.
    /// </summary>
    private (IReadOnlyDictionary<string, string> Variables, NativeStringArray Block)? _environment;

    private LaunchOutcome Spawn(LaunchRequest request, ChildPipes pipes)
    {
        using var argv = new NativeStringArray([request.Path, .. request.Args]);
        var fileActions = Marshal.AllocHGlobal(LibC.FileActionsSize);
        var attr = Marshal.AllocHGlobal(LibC.SpawnAttrSize);
        var allSignals = Marshal.AllocHGlobal(LibC.SigSetSize);
        var noSignals = Marshal.AllocHGlobal(LibC.SigSetSize);
        try
        {
            LibC.posix_spawn_file_actions_init(fileActions);
            pipes.AddFileActions(fileActions, request);
            LibC.posix_spawn_file_actions_addclosefrom_np(fileActions, 3);
            if (request.WorkingDirectory is { } cwd)
                LibC.posix_spawn_file_actions_addchdir_np(fileActions, cwd);

            LibC.posix_spawnattr_init(attr);
            LibC.sigfillset(allSignals);
            LibC.sigemptyset(noSignals);
            LibC.posix_spawnattr_setsigdefault(attr, allSignals);
            LibC.posix_spawnattr_setsigmask(attr, noSignals);
            LibC.posix_spawnattr_setpgroup(attr, 0);
            LibC.posix_spawnattr_setflags(attr, (short)(LibC.POSIX_SPAWN_SETPGROUP | LibC.POSIX_SPAWN_SETSIGDEF | LibC.POSIX_SPAWN_SETSIGMASK));

            int pid, error;
            bool watched;
            lock (_spawnGate) // keeps pid tracking ordered with spawn, so a fast exit is never missed
            {
                error = LibC.posix_spawn(out pid, request.Path, fileActions, attr, argv.Pointers, EnvironmentBlock(request.Environment).Pointers);
                watched = error == 0 && _reaper.Track(pid);
            }
            if (error != 0) return new LaunchFailed(Describe(error, request));
            if (!watched)
            {
                // A process we cannot watch would later look exited while it runs: take it back at once.
                var reason = LibC.ErrorText(LibC.LastError);
                LibC.kill(pid, LibC.SIGKILL);
                LibC.waitpid(pid, out _, 0);
                return new LaunchFailed(ErrorTexts.CannotWatch(request.Path, reason));
            }
            return new Launched(pid);
        }
        finally
        {
            LibC.posix_spawn_file_actions_destroy(fileActions);
            LibC.posix_spawnattr_destroy(attr);
            Marshal.FreeHGlobal(fileActions);
            Marshal.FreeHGlobal(attr);
            Marshal.FreeHGlobal(allSignals);
            Marshal.FreeHGlobal(noSignals);
        }
    }

    /// <summary>The marshalled form of <paramref name="variables"/>: the kept one when it is the same dictionary. Under <see cref="_spawnGate"/>.</summary>
    private NativeStringArray EnvironmentBlock(IReadOnlyDictionary<string, string> variables)
    {
        if (_environment is { } kept && ReferenceEquals(kept.Variables, variables)) return kept.Block;
        _environment?.Block.Dispose();
        var block = NativeStringArray.Environment(variables);
        _environment = (variables, block);
        return block;
    }

    private static string Describe(int errno, LaunchRequest request) => errno switch
    {
        LibC.ENOENT when request.WorkingDirectory is { } cwd && !Directory.Exists(cwd) => ErrorTexts.NoSuchDirectory(cwd),
        LibC.ENOENT => ErrorTexts.NoSuchFile(request.Path),
        LibC.EACCES => ErrorTexts.PermissionDenied(request.Path),
        LibC.ENOTDIR => ErrorTexts.NoSuchFile(request.Path),
        LibC.ENOEXEC => ErrorTexts.SpawnFailed(request.Path, "not an executable format (a script needs a #! line)"),
        _ => ErrorTexts.SpawnFailed(request.Path, LibC.ErrorText(errno)),
    };

    public void WatchExit(int pid, Action<ProcessExit> onExit) => _reaper.WatchExit(pid, onExit);

    public void SignalTree(int pid, int signal) => _tree.Signal(pid, signal);

    public bool TreeAlive(int pid) => _tree.Alive(pid);

    public void Release(int pid) => _tree.Forget(pid);

    public void Dispose()
    {
        _reaper.Dispose();
        if (_pump.IsValueCreated) _pump.Value.Dispose();
        lock (_spawnGate)
        {
            _environment?.Block.Dispose();
            _environment = null;
        }
    }
}
