using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Tests.Unit.Metrics;

/// <summary>An event as the hub's store hands it on: with its seq and its wire body.</summary>
public static class StoredEvents
{
    public static StoredEvent Of(MeshEvent e, long seq = 1) =>
        new(seq, e.Time, e.HostName, e.Type, e.Pid, e.Name, WireResponseWriter.EventBody(e));
}
