namespace BlueZero.Mesh.Configuration;

/// <summary>
/// Limits of output capture, per managed entry and stream. Memory: at most <see cref="BufferLines"/> lines and
/// <see cref="BufferBytes"/> bytes of text per stream; disk: <see cref="FileBytes"/> × <see cref="Files"/> per stream.
/// </summary>
/// <param name="BufferLines">bluezero.process-manager.output.buffer-lines.</param>
/// <param name="FileBytes">bluezero.process-manager.output.file-size.</param>
/// <param name="Files">bluezero.process-manager.output.files.</param>
public sealed record OutputSettings(int BufferLines, long FileBytes, int Files)
{
    /// <summary>Text kept in memory per stream, whatever the line count: a fixed bound, not a setting.</summary>
    public long BufferBytes { get; init; } = 1024 * 1024;

    /// <summary>A longer line is cut: a fixed bound, not a setting.</summary>
    public int MaxLineBytes { get; init; } = 16 * 1024;

    /// <summary>Upper bound of one read_output reply's text, far below Akka's frame size: larger reads are paged.</summary>
    public const int MaxReplyBytes = 256 * 1024;

    /// <summary>Upper bound of the lines of one read_output reply.</summary>
    public const int MaxReplyLines = 5000;
}
