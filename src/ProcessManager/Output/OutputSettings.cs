namespace BlueZero.ProcessManager.Output;

/// <summary>
/// Limits of output capture, per managed entry and stream. Memory: at most <see cref="BufferLines"/> lines and
/// <see cref="BufferBytes"/> bytes of text per stream; disk: <see cref="FileBytes"/> × <see cref="Files"/> per stream.
/// </summary>
public sealed record OutputSettings(
    int BufferLines = 1000,
    long BufferBytes = 1024 * 1024,
    long FileBytes = 10 * 1024 * 1024,
    int Files = 5,
    int MaxLineBytes = 16 * 1024)
{
    public static readonly OutputSettings Default = new();

    /// <summary>Upper bound of one read_output reply's text, far below Akka's frame size: larger reads are paged.</summary>
    public const int MaxReplyBytes = 256 * 1024;

    /// <summary>Upper bound of the lines of one read_output reply.</summary>
    public const int MaxReplyLines = 5000;
}
