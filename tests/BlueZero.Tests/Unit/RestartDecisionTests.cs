using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.State;
using BlueZero.ProcessManager.Supervision;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>
/// Every transition of <see cref="RestartDecision.Decide"/>: what follows the end of a run, for each policy, exit,
/// stop reason, budget, run length and recurring schedule. Pure function: no processes, no clocks.
/// </summary>
public sealed class RestartDecisionTests
{
    private static readonly BackoffSettings Backoff = new(InitialMs: 200, MaxMs: 10_000, Multiplier: 2, Jitter: 0);
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1);
    private const double Draw = 0.5;

    private static RestartPolicy Policy(RestartPolicyKind policy, int maxRestarts = -1, double resetAfterS = 60, IReadOnlyList<int>? success = null) =>
        new(policy, maxRestarts, Backoff, resetAfterS, success ?? [0]);

    private static ManagedEntry Entry(RestartPolicy? restart = null, int consecutive = 0, double? period = null,
        bool unscheduled = false, double? maxTime = null) =>
        new(1, new StartProcess("/bin/worker", [], Name: "w", Restart: restart, MaxTimeS: maxTime, RecurringPeriodS: period),
            ProcessState.Running, 4242, 123UL, Restarts: consecutive, ConsecutiveRestarts: consecutive, LastExit: null,
            DateTimeOffset.UnixEpoch, Unscheduled: unscheduled);

    private static NextStep Decide(ManagedEntry entry, ProcessExit exit, StopReason? stopReason = null, bool lost = false, TimeSpan? ranFor = null) =>
        RestartDecision.Decide(entry, exit, stopReason, lost, ranFor ?? Short, Draw);

    private static void AssertSettles(ProcessState finalState, NextStep step) =>
        Assert.Equal(new NextStep.Settle(finalState), step);

    private static NextStep.RunAgain AssertRunsAgain(NextStep step, ProcessState waitingState, TimeSpan delay, bool resetsBudget = false)
    {
        var again = Assert.IsType<NextStep.RunAgain>(step);
        Assert.Equal(waitingState, again.WaitingState);
        Assert.Equal(delay, again.Delay);
        Assert.Equal(resetsBudget, again.ResetsBudget);
        return again;
    }

    // ---------------------------------------------------------------- never

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(255)]
    public void Never_settles_exited_whatever_the_exit_code(int code)
    {
        AssertSettles(ProcessState.Exited, Decide(Entry(Policy(RestartPolicyKind.Never)), ProcessExit.Exited(code)));
    }

    [Fact]
    public void Never_settles_exited_after_a_signal_death()
    {
        AssertSettles(ProcessState.Exited, Decide(Entry(Policy(RestartPolicyKind.Never)), ProcessExit.Killed(9)));
    }

    [Fact]
    public void No_restart_policy_at_all_behaves_as_never()
    {
        AssertSettles(ProcessState.Exited, Decide(Entry(restart: null), ProcessExit.Exited(1)));
    }

    [Fact]
    public void Never_settles_lost_when_the_process_vanished_while_the_node_was_down()
    {
        AssertSettles(ProcessState.Lost, Decide(Entry(Policy(RestartPolicyKind.Never)), ProcessExit.Unknown, lost: true));
    }

    [Fact]
    public void Never_settles_exited_when_the_exit_code_of_a_watched_run_is_unknown()
    {
        AssertSettles(ProcessState.Exited, Decide(Entry(Policy(RestartPolicyKind.Never)), ProcessExit.Unknown));
    }

    // ---------------------------------------------------------------- on-failure

    [Fact]
    public void On_failure_settles_exited_on_a_success_code()
    {
        AssertSettles(ProcessState.Exited, Decide(Entry(Policy(RestartPolicyKind.OnFailure)), ProcessExit.Exited(0)));
    }

    [Fact]
    public void On_failure_treats_every_custom_success_exit_code_as_success()
    {
        var entry = Entry(Policy(RestartPolicyKind.OnFailure, success: [0, 3, 42]));

        AssertSettles(ProcessState.Exited, Decide(entry, ProcessExit.Exited(3)));
        AssertSettles(ProcessState.Exited, Decide(entry, ProcessExit.Exited(42)));
        AssertSettles(ProcessState.Exited, Decide(entry, ProcessExit.Exited(0)));
    }

    [Fact]
    public void On_failure_restarts_on_zero_when_zero_is_not_a_custom_success_code()
    {
        var entry = Entry(Policy(RestartPolicyKind.OnFailure, success: [3]));

        AssertRunsAgain(Decide(entry, ProcessExit.Exited(0)), ProcessState.BackingOff, TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void On_failure_runs_again_after_the_initial_backoff_on_a_failure_code()
    {
        AssertRunsAgain(Decide(Entry(Policy(RestartPolicyKind.OnFailure)), ProcessExit.Exited(1)),
            ProcessState.BackingOff, TimeSpan.FromMilliseconds(200));
    }

    [Theory]
    [InlineData(1, 400)]
    [InlineData(2, 800)]
    [InlineData(5, 6_400)]
    [InlineData(6, 10_000)]
    public void On_failure_backoff_grows_with_the_consecutive_restarts(int consecutive, int expectedMs)
    {
        var entry = Entry(Policy(RestartPolicyKind.OnFailure), consecutive: consecutive);

        AssertRunsAgain(Decide(entry, ProcessExit.Exited(1)), ProcessState.BackingOff, TimeSpan.FromMilliseconds(expectedMs));
    }

    [Fact]
    public void On_failure_uses_the_jitter_draw_it_is_given()
    {
        var entry = Entry(new RestartPolicy(RestartPolicyKind.OnFailure, -1, Backoff with { Jitter = 0.5 }, 60, [0]));

        var step = RestartDecision.Decide(entry, ProcessExit.Exited(1), null, false, Short, 0);

        AssertRunsAgain(step, ProcessState.BackingOff, TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void On_failure_restarts_while_the_budget_lasts_and_settles_failed_once_it_is_spent()
    {
        var policy = Policy(RestartPolicyKind.OnFailure, maxRestarts: 3);

        Assert.IsType<NextStep.RunAgain>(Decide(Entry(policy, consecutive: 2), ProcessExit.Exited(1)));
        AssertSettles(ProcessState.Failed, Decide(Entry(policy, consecutive: 3), ProcessExit.Exited(1)));
        AssertSettles(ProcessState.Failed, Decide(Entry(policy, consecutive: 4), ProcessExit.Exited(1)));
    }

    [Fact]
    public void On_failure_with_a_budget_of_zero_settles_failed_at_the_first_failure()
    {
        AssertSettles(ProcessState.Failed, Decide(Entry(Policy(RestartPolicyKind.OnFailure, maxRestarts: 0)), ProcessExit.Exited(1)));
    }

    [Fact]
    public void On_failure_with_an_unlimited_budget_keeps_restarting()
    {
        var entry = Entry(Policy(RestartPolicyKind.OnFailure, maxRestarts: -1), consecutive: 100_000);

        AssertRunsAgain(Decide(entry, ProcessExit.Exited(1)), ProcessState.BackingOff, TimeSpan.FromMilliseconds(10_000));
    }

    [Theory]
    [InlineData(9)]
    [InlineData(15)]
    [InlineData(2)]
    public void On_failure_counts_a_signal_death_as_a_failure(int signal)
    {
        Assert.IsType<NextStep.RunAgain>(Decide(Entry(Policy(RestartPolicyKind.OnFailure)), ProcessExit.Killed(signal)));
    }

    [Fact]
    public void On_failure_counts_a_signal_death_as_a_failure_even_when_its_code_is_a_success_code()
    {
        // 130 = 128 + SIGINT: listed as a success code, but the run was killed.
        var entry = Entry(Policy(RestartPolicyKind.OnFailure, success: [0, 130]));

        Assert.IsType<NextStep.RunAgain>(Decide(entry, ProcessExit.Killed(2)));
        AssertSettles(ProcessState.Exited, Decide(entry, ProcessExit.Exited(130)));
    }

    [Fact]
    public void On_failure_settles_failed_after_a_signal_death_once_the_budget_is_spent()
    {
        AssertSettles(ProcessState.Failed, Decide(Entry(Policy(RestartPolicyKind.OnFailure, maxRestarts: 1), consecutive: 1), ProcessExit.Killed(9)));
    }

    [Fact]
    public void On_failure_restarts_a_process_lost_while_the_node_was_down()
    {
        AssertRunsAgain(Decide(Entry(Policy(RestartPolicyKind.OnFailure)), ProcessExit.Unknown, lost: true),
            ProcessState.BackingOff, TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void On_failure_settles_lost_when_a_lost_process_has_no_budget_left()
    {
        // The budget is spent: the final state says how the run ended (lost), or failed: never a success.
        var step = Decide(Entry(Policy(RestartPolicyKind.OnFailure, maxRestarts: 0)), ProcessExit.Unknown, lost: true);

        var settle = Assert.IsType<NextStep.Settle>(step);
        Assert.Contains(settle.FinalState, new[] { ProcessState.Lost, ProcessState.Failed });
    }

    [Fact]
    public void On_failure_restarts_a_run_whose_exit_code_is_unknown()
    {
        Assert.IsType<NextStep.RunAgain>(Decide(Entry(Policy(RestartPolicyKind.OnFailure)), ProcessExit.Unknown));
    }

    // ---------------------------------------------------------------- always

    [Fact]
    public void Always_restarts_after_exit_zero()
    {
        AssertRunsAgain(Decide(Entry(Policy(RestartPolicyKind.Always)), ProcessExit.Exited(0)),
            ProcessState.BackingOff, TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Always_restarts_after_a_failure()
    {
        AssertRunsAgain(Decide(Entry(Policy(RestartPolicyKind.Always), consecutive: 1), ProcessExit.Exited(7)),
            ProcessState.BackingOff, TimeSpan.FromMilliseconds(400));
    }

    [Fact]
    public void Always_settles_exited_when_the_budget_is_spent_after_a_success()
    {
        AssertSettles(ProcessState.Exited, Decide(Entry(Policy(RestartPolicyKind.Always, maxRestarts: 2), consecutive: 2), ProcessExit.Exited(0)));
    }

    [Fact]
    public void Always_settles_failed_when_the_budget_is_spent_after_a_failure()
    {
        AssertSettles(ProcessState.Failed, Decide(Entry(Policy(RestartPolicyKind.Always, maxRestarts: 2), consecutive: 2), ProcessExit.Exited(1)));
    }

    // ---------------------------------------------------------------- max_time

    [Fact]
    public void Max_time_settles_timed_out_under_never()
    {
        AssertSettles(ProcessState.TimedOut,
            Decide(Entry(Policy(RestartPolicyKind.Never), maxTime: 1), ProcessExit.Killed(2), StopReason.MaxTime));
    }

    [Fact]
    public void Max_time_settles_timed_out_under_on_failure_even_though_the_run_was_killed()
    {
        AssertSettles(ProcessState.TimedOut,
            Decide(Entry(Policy(RestartPolicyKind.OnFailure), maxTime: 1), ProcessExit.Killed(15), StopReason.MaxTime));
    }

    [Fact]
    public void Max_time_settles_timed_out_when_the_run_exited_cleanly_on_the_stop_signal()
    {
        AssertSettles(ProcessState.TimedOut,
            Decide(Entry(Policy(RestartPolicyKind.OnFailure), maxTime: 1), ProcessExit.Exited(0), StopReason.MaxTime));
    }

    [Fact]
    public void Max_time_under_always_restarts()
    {
        AssertRunsAgain(Decide(Entry(Policy(RestartPolicyKind.Always), maxTime: 1), ProcessExit.Killed(2), StopReason.MaxTime),
            ProcessState.BackingOff, TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Max_time_under_always_settles_timed_out_once_the_budget_is_spent()
    {
        AssertSettles(ProcessState.TimedOut,
            Decide(Entry(Policy(RestartPolicyKind.Always, maxRestarts: 1), consecutive: 1, maxTime: 1), ProcessExit.Killed(2), StopReason.MaxTime));
    }

    // ---------------------------------------------------------------- stop request and shutdown

    [Theory]
    [InlineData(RestartPolicyKind.Never)]
    [InlineData(RestartPolicyKind.OnFailure)]
    [InlineData(RestartPolicyKind.Always)]
    public void Stop_request_settles_stopped_under_every_policy(RestartPolicyKind policy)
    {
        AssertSettles(ProcessState.Stopped, Decide(Entry(Policy(policy)), ProcessExit.Killed(2), StopReason.Request));
        AssertSettles(ProcessState.Stopped, Decide(Entry(Policy(policy)), ProcessExit.Exited(0), StopReason.Request));
        AssertSettles(ProcessState.Stopped, Decide(Entry(Policy(policy)), ProcessExit.Unknown, StopReason.Request));
    }

    [Theory]
    [InlineData(RestartPolicyKind.Never)]
    [InlineData(RestartPolicyKind.OnFailure)]
    [InlineData(RestartPolicyKind.Always)]
    public void Shutdown_settles_stopped_under_every_policy(RestartPolicyKind policy)
    {
        AssertSettles(ProcessState.Stopped, Decide(Entry(Policy(policy)), ProcessExit.Killed(15), StopReason.Shutdown));
    }

    [Fact]
    public void Stop_request_settles_stopped_even_for_a_recurring_job()
    {
        AssertSettles(ProcessState.Stopped, Decide(Entry(period: 10), ProcessExit.Killed(2), StopReason.Request));
    }

    [Fact]
    public void Stop_request_settles_stopped_with_plenty_of_budget_and_a_long_run()
    {
        var entry = Entry(Policy(RestartPolicyKind.Always, maxRestarts: -1, resetAfterS: 1));

        AssertSettles(ProcessState.Stopped, Decide(entry, ProcessExit.Killed(2), StopReason.Request, ranFor: TimeSpan.FromHours(1)));
    }

    // ---------------------------------------------------------------- recurring

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(137)]
    public void Recurring_job_is_scheduled_after_its_period_whatever_the_exit_code(int code)
    {
        AssertRunsAgain(Decide(Entry(period: 2.5), ProcessExit.Exited(code)), ProcessState.Scheduled, TimeSpan.FromSeconds(2.5), resetsBudget: true);
    }

    [Fact]
    public void Recurring_job_is_scheduled_after_a_signal_death_and_after_a_lost_run()
    {
        AssertRunsAgain(Decide(Entry(period: 5), ProcessExit.Killed(9)), ProcessState.Scheduled, TimeSpan.FromSeconds(5), resetsBudget: true);
        AssertRunsAgain(Decide(Entry(period: 5), ProcessExit.Unknown, lost: true), ProcessState.Scheduled, TimeSpan.FromSeconds(5), resetsBudget: true);
    }

    [Fact]
    public void Recurring_job_is_scheduled_again_after_its_max_time_stopped_a_run()
    {
        AssertRunsAgain(Decide(Entry(period: 5, maxTime: 1), ProcessExit.Killed(2), StopReason.MaxTime),
            ProcessState.Scheduled, TimeSpan.FromSeconds(5), resetsBudget: true);
    }

    [Fact]
    public void Recurring_job_ignores_any_budget_of_its_never_policy()
    {
        var entry = Entry(Policy(RestartPolicyKind.Never, maxRestarts: 0), consecutive: 50, period: 1);

        Assert.IsType<NextStep.RunAgain>(Decide(entry, ProcessExit.Exited(1)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Unscheduled_recurring_job_settles_exited_after_its_run(int code)
    {
        AssertSettles(ProcessState.Exited, Decide(Entry(period: 5, unscheduled: true), ProcessExit.Exited(code)));
    }

    // ---------------------------------------------------------------- reset_after_s

    [Fact]
    public void Run_that_lasted_reset_after_s_resets_the_budget_and_the_delay()
    {
        var entry = Entry(Policy(RestartPolicyKind.OnFailure, maxRestarts: 3, resetAfterS: 10), consecutive: 3);

        AssertRunsAgain(Decide(entry, ProcessExit.Exited(1), ranFor: TimeSpan.FromSeconds(10)),
            ProcessState.BackingOff, TimeSpan.FromMilliseconds(200), resetsBudget: true);
    }

    [Fact]
    public void Run_longer_than_reset_after_s_resets_a_grown_delay_back_to_the_initial_one()
    {
        var entry = Entry(Policy(RestartPolicyKind.Always, resetAfterS: 10), consecutive: 5);

        AssertRunsAgain(Decide(entry, ProcessExit.Exited(0), ranFor: TimeSpan.FromMinutes(3)),
            ProcessState.BackingOff, TimeSpan.FromMilliseconds(200), resetsBudget: true);
    }

    [Fact]
    public void Run_shorter_than_reset_after_s_keeps_the_budget_and_the_delay()
    {
        var entry = Entry(Policy(RestartPolicyKind.OnFailure, maxRestarts: 5, resetAfterS: 10), consecutive: 2);

        AssertRunsAgain(Decide(entry, ProcessExit.Exited(1), ranFor: TimeSpan.FromSeconds(9.99)),
            ProcessState.BackingOff, TimeSpan.FromMilliseconds(800), resetsBudget: false);
    }

    [Fact]
    public void Run_shorter_than_reset_after_s_with_the_budget_spent_settles_failed()
    {
        var entry = Entry(Policy(RestartPolicyKind.OnFailure, maxRestarts: 3, resetAfterS: 10), consecutive: 3);

        AssertSettles(ProcessState.Failed, Decide(entry, ProcessExit.Exited(1), ranFor: TimeSpan.FromSeconds(9)));
    }

    [Fact]
    public void Long_run_that_succeeded_under_on_failure_still_settles_exited()
    {
        var entry = Entry(Policy(RestartPolicyKind.OnFailure, resetAfterS: 1), consecutive: 3);

        AssertSettles(ProcessState.Exited, Decide(entry, ProcessExit.Exited(0), ranFor: TimeSpan.FromMinutes(5)));
    }
}
