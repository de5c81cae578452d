using Akka;
using Akka.Actor;
using Akka.Event;

namespace BlueZero.Mesh.Hosting;

/// <summary>
/// Coordinated-shutdown steps that ask an actor to finish something (ship the journal, record a leave, commit the
/// event history) and wait for its answer, but never longer than <see cref="Timeout"/>: a late or failed answer is
/// logged with what it costs and the shutdown goes on.
/// </summary>
public static class ShutdownSteps
{
    /// <summary>Inside Akka's default phase timeout (5 s), so the phase itself never times out on such a step.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <param name="skip">True for the shutdown reasons the step does not apply to.</param>
    /// <param name="unanswered">What a missing answer means, for the warning (read when it is logged).</param>
    public static void AddAsk<TAnswer>(ActorSystem system, string phase, string name, IActorRef target, object message,
        Func<string> unanswered, Func<CoordinatedShutdown.Reason?, bool>? skip = null)
    {
        var shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(phase, name, async () =>
        {
            if (skip?.Invoke(shutdown.ShutdownReason) == true) return Done.Instance;
            try
            {
                await target.Ask<TAnswer>(message, Timeout);
            }
            catch (Exception ex)
            {
                system.Log.Warning("Shutdown step {0} got no answer within {1} ({2}): {3}", name, Timeout, ex.GetBaseException().Message, unanswered());
            }
            return Done.Instance;
        });
    }
}
