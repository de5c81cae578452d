using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace BlueZero.ProcessManager.Actors;

/// <summary>
/// The mailbox of every <see cref="ProcessActor"/>: a plain queue under a lock, empty until a message comes. Akka's
/// default mailbox starts with a concurrent queue segment of 32 slots, about 1 KB per actor, and a node keeps one
/// actor per managed entry, nearly all of them idle: at 10,000 entries that was 10 MB of empty slots. An entry's
/// actor hears a handful of messages in its life, so the lock costs nothing measurable.
/// </summary>
public sealed class EntryMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<EntryMailbox.Queue>
{
    /// <summary>Where the mailbox is configured; <see cref="Register"/> puts it there.</summary>
    public const string ConfigPath = "bluezero.entry-mailbox";

    /// <summary>Makes the mailbox known to the actor system, whatever configuration it was started with.</summary>
    public static void Register(ActorSystem system) =>
        system.Settings.InjectTopLevelFallback(ConfigurationFactory.ParseString(
            $"{ConfigPath}.mailbox-type = \"{typeof(EntryMailbox).AssemblyQualifiedName}\""));

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new Queue();

    public sealed class Queue : IMessageQueue, IUnboundedMessageQueueSemantics
    {
        private readonly Queue<Envelope> _envelopes = new();

        public bool HasMessages => Count > 0;

        public int Count
        {
            get { lock (_envelopes) return _envelopes.Count; }
        }

        public void Enqueue(IActorRef receiver, Envelope envelope)
        {
            lock (_envelopes) _envelopes.Enqueue(envelope);
        }

        public bool TryDequeue(out Envelope envelope)
        {
            lock (_envelopes) return _envelopes.TryDequeue(out envelope);
        }

        public void CleanUp(IActorRef owner, IMessageQueue deadletters)
        {
            while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
        }
    }
}
