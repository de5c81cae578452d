using System.Collections.Immutable;
using System.Threading.Channels;
using BlueZero.Messages.Protocol;

namespace BlueZero.Hub.Events;

/// <summary>Live events, each published once it is committed to the store, in seq order: GET /events/stream reads it,
/// and so can anything else that wants to follow the history as it grows.</summary>
public interface IEventFeed
{
    /// <param name="capacity">Events that may wait for the subscriber; one more cuts it off (<see cref="EventSubscription.CutOff"/>).</param>
    EventSubscription Subscribe(int capacity);
}

/// <summary>One subscriber's bounded buffer of live events. Disposing it unsubscribes.</summary>
public sealed class EventSubscription : IDisposable
{
    private readonly Channel<StoredEvent> _events;
    private readonly Action<EventSubscription> _unsubscribe;

    internal EventSubscription(int capacity, Action<EventSubscription> unsubscribe)
    {
        _events = Channel.CreateBounded<StoredEvent>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
        _unsubscribe = unsubscribe;
    }

    /// <summary>Completes when the subscriber is cut off or the store stops.</summary>
    public ChannelReader<StoredEvent> Events => _events.Reader;

    /// <summary>The buffer overflowed: the subscriber fell behind and gets no more events.</summary>
    public bool CutOff { get; private set; }

    /// <returns>False when the buffer is full, which cuts the subscriber off: a slow reader never holds the hub's memory.</returns>
    internal bool Offer(StoredEvent e)
    {
        if (_events.Writer.TryWrite(e)) return true;
        CutOff = true;
        _events.Writer.TryComplete();
        return false;
    }

    internal void Complete() => _events.Writer.TryComplete();

    public void Dispose()
    {
        _unsubscribe(this);
        Complete();
    }
}

/// <summary>The store's side of <see cref="IEventFeed"/>: the writer publishes each committed transaction's events.</summary>
public sealed class EventFeed : IEventFeed
{
    private ImmutableList<EventSubscription> _subscribers = ImmutableList<EventSubscription>.Empty;

    public EventSubscription Subscribe(int capacity)
    {
        var subscription = new EventSubscription(capacity, Unsubscribe);
        ImmutableInterlocked.Update(ref _subscribers, list => list.Add(subscription));
        return subscription;
    }

    public void Publish(IReadOnlyList<StoredEvent> events)
    {
        if (events.Count == 0) return;
        foreach (var subscriber in _subscribers)
            if (!events.All(subscriber.Offer))
                Unsubscribe(subscriber);
    }

    /// <summary>The store stops: every subscriber's stream ends.</summary>
    public void CompleteAll()
    {
        foreach (var subscriber in Interlocked.Exchange(ref _subscribers, ImmutableList<EventSubscription>.Empty))
            subscriber.Complete();
    }

    private void Unsubscribe(EventSubscription subscription) =>
        ImmutableInterlocked.Update(ref _subscribers, list => list.Remove(subscription));
}
