using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Native;
using BlueZero.ProcessManager.Output;

namespace BlueZero.ProcessManager.Launching;

/// <summary>
/// The pipes of one spawn: created close-on-exec (so no other child inherits them), the child's ends placed on
/// 0, 1 and 2 by posix_spawn file actions, the node's ends handed to the <see cref="OutputPump"/> after a successful
/// spawn. Whatever was not handed over is closed on dispose, so a failed spawn leaks no descriptor.
/// </summary>
internal sealed class ChildPipes : IDisposable
{
    private readonly int[] _stdin = [-1, -1];
    private readonly int[] _stdout = [-1, -1];
    private readonly int[] _stderr = [-1, -1];

    /// <summary>False (errno set) when a pipe could not be made, typically at the open-file limit.</summary>
    public bool Create(LaunchRequest request)
    {
        if (request.Stdin is not null && LibC.pipe2(_stdin, LibC.O_CLOEXEC) != 0) return false;
        if (request.Output.Mode == OutputMode.Capture)
            return LibC.pipe2(_stdout, LibC.O_CLOEXEC) == 0 && LibC.pipe2(_stderr, LibC.O_CLOEXEC) == 0;
        return true;
    }

    public void AddFileActions(IntPtr fileActions, LaunchRequest request)
    {
        if (request.Stdin is not null)
            LibC.posix_spawn_file_actions_adddup2(fileActions, _stdin[0], 0);
        else
            LibC.posix_spawn_file_actions_addopen(fileActions, 0, "/dev/null", LibC.O_RDONLY, 0);

        switch (request.Output.Mode)
        {
            case OutputMode.Capture:
                LibC.posix_spawn_file_actions_adddup2(fileActions, _stdout[1], 1);
                LibC.posix_spawn_file_actions_adddup2(fileActions, _stderr[1], 2);
                break;
            case OutputMode.Inherit:
                break; // 1 and 2 are the node's own, which are not close-on-exec
            default:
                LibC.posix_spawn_file_actions_addopen(fileActions, 1, "/dev/null", LibC.O_WRONLY, 0);
                LibC.posix_spawn_file_actions_addopen(fileActions, 2, "/dev/null", LibC.O_WRONLY, 0);
                break;
        }
    }

    /// <summary>After the spawn: the node's ends go to the pump, which owns them from now on.</summary>
    public void HandOver(LaunchRequest request, int pid, OutputPump pump)
    {
        if (request.Output is { Mode: OutputMode.Capture, Sink: { } sink })
        {
            sink.Opened(pid, request.Output.Run); // before the pump may deliver the run's first line
            // A stream the pump cannot watch (no descriptor left for epoll) is over before it began.
            if (!pump.Capture(Take(_stdout, 0), OutputStreams.Stdout, sink, request.Output.MaxLineBytes)) sink.Closed(OutputStreams.Stdout);
            if (!pump.Capture(Take(_stderr, 0), OutputStreams.Stderr, sink, request.Output.MaxLineBytes)) sink.Closed(OutputStreams.Stderr);
        }
        if (request.Stdin is { } text)
            pump.Feed(Take(_stdin, 1), text);
    }

    private static int Take(int[] pipe, int end)
    {
        var fd = pipe[end];
        pipe[end] = -1;
        return fd;
    }

    public void Dispose()
    {
        foreach (var fd in _stdin.Concat(_stdout).Concat(_stderr))
            if (fd >= 0) LibC.close(fd);
    }
}
