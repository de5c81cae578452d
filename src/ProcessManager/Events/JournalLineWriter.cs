using System.Buffers;
using System.Text.Json;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.ProcessManager.Events;

/// <summary>
/// Writes one <see cref="JournaledEvent"/> as a journal line, in the shape Newtonsoft with DiskJson's settings gives
/// it and reads it back (member names as declared, enums as wire strings, nulls left out), so journals written before
/// and after read the same. Written with Utf8JsonWriter into a buffer kept for the next line: Newtonsoft made a string
/// and its bytes per event (about 4.3 KB and 15 µs per process_started on the start path).
/// Not thread-safe: the journal calls it under its lock.
/// </summary>
internal sealed class JournalLineWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _writer;

    public JournalLineWriter() => _writer = new Utf8JsonWriter(_buffer);

    /// <summary>The line with its newline; valid until the next call.</summary>
    public ReadOnlySpan<byte> Line(JournaledEvent journaled)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        var w = _writer;
        var e = journaled.Event;
        w.WriteStartObject();
        w.WriteNumber(nameof(JournaledEvent.NodeSeq), journaled.NodeSeq);
        w.WriteStartObject(nameof(JournaledEvent.Event));
        w.WriteString(nameof(MeshEvent.Type), e.Type.ToWire());
        w.WriteString(nameof(MeshEvent.Time), e.Time);
        w.WriteString(nameof(MeshEvent.HostName), e.HostName);
        if (e.Pid is { } pid) w.WriteNumber(nameof(MeshEvent.Pid), pid);
        if (e.Name is not null) w.WriteString(nameof(MeshEvent.Name), e.Name);
        if (e.By is not null) w.WriteString(nameof(MeshEvent.By), e.By);
        if (e.ExitCode is { } exitCode) w.WriteNumber(nameof(MeshEvent.ExitCode), exitCode);
        if (e.Signal is { } signal) w.WriteNumber(nameof(MeshEvent.Signal), signal);
        if (e.Reason is { } reason) w.WriteString(nameof(MeshEvent.Reason), reason.ToWire());
        if (e.Restarts is { } restarts) w.WriteNumber(nameof(MeshEvent.Restarts), restarts);
        if (e.DelayMs is { } delay) w.WriteNumber(nameof(MeshEvent.DelayMs), delay);
        if (e.Path is not null) w.WriteString(nameof(MeshEvent.Path), e.Path);
        if (e.Args is not null)
        {
            w.WriteStartArray(nameof(MeshEvent.Args));
            foreach (var arg in e.Args) w.WriteStringValue(arg);
            w.WriteEndArray();
        }
        if (e.NextRun is { } next) w.WriteString(nameof(MeshEvent.NextRun), next);
        if (e.Error is not null) w.WriteString(nameof(MeshEvent.Error), e.Error);
        if (e.Count is { } count) w.WriteNumber(nameof(MeshEvent.Count), count);
        w.WriteEndObject();
        w.WriteEndObject();
        w.Flush();
        _buffer.Write("\n"u8);
        return _buffer.WrittenSpan;
    }
}
