namespace BlueZero.ProcessManager.Output;

/// <summary>
/// Cuts a byte stream into lines at '\n' (a trailing '\r' is dropped too). A line longer than the limit is cut into
/// pieces of the limit, so one endless line cannot grow memory. What is left at the end of the stream is a last line.
/// </summary>
public sealed class LineSplitter(int maxLineBytes)
{
    private byte[] _partial = [];
    private int _partialLength;

    public void Push(ReadOnlySpan<byte> chunk, Action<ReadOnlySpan<byte>> onLine)
    {
        while (!chunk.IsEmpty)
        {
            var newline = chunk.IndexOf((byte)'\n');
            var room = maxLineBytes - _partialLength;
            if (newline < 0 || newline > room)
            {
                // No line end within the limit: keep what fits, emit a full piece when the limit is reached.
                var take = Math.Min(chunk.Length, room);
                Append(chunk[..take]);
                chunk = chunk[take..];
                if (_partialLength == maxLineBytes) EmitPartial(onLine);
                continue;
            }
            if (_partialLength == 0)
            {
                onLine(TrimCarriageReturn(chunk[..newline]));
            }
            else
            {
                Append(chunk[..newline]);
                EmitPartial(onLine);
            }
            chunk = chunk[(newline + 1)..];
        }
    }

    /// <summary>The stream ended: a last line without '\n' still counts.</summary>
    public void Finish(Action<ReadOnlySpan<byte>> onLine)
    {
        if (_partialLength > 0) EmitPartial(onLine);
        _partial = [];
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_partial.Length < _partialLength + bytes.Length)
            Array.Resize(ref _partial, Math.Min(maxLineBytes, Math.Max(_partialLength + bytes.Length, _partial.Length * 2 + 256)));
        bytes.CopyTo(_partial.AsSpan(_partialLength));
        _partialLength += bytes.Length;
    }

    private void EmitPartial(Action<ReadOnlySpan<byte>> onLine)
    {
        onLine(TrimCarriageReturn(_partial.AsSpan(0, _partialLength)));
        _partialLength = 0;
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
}
