using System.Text.Json.Nodes;
using BlueZero.Hub.Plans;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Xunit;

namespace BlueZero.Tests.Unit.Plans;

/// <summary>Launch plans' pure rules: validation (every problem at once), ordering, the re-apply diff, the remove order.</summary>
public sealed class PlanGraphTests
{
    /// <summary>A step: "name host dep1,dep2" with /bin/sh, and extra fields as JSON.</summary>
    private static JsonObject Step(string name, string host = "alpha", string[]? dependsOn = null, string? extra = null)
    {
        var step = new JsonObject { ["name"] = name, ["host"] = host, ["path"] = "/bin/sh" };
        if (dependsOn is not null) step["depends_on"] = new JsonArray(dependsOn.Select(d => (JsonNode)d!).ToArray());
        if (extra is not null)
            foreach (var (key, value) in JsonNode.Parse(extra)!.AsObject()) step[key] = value!.DeepClone();
        return step;
    }

    private static ApplyPlan Parse(string plan, params JsonObject[] steps)
    {
        var request = new JsonObject { ["apply_plan"] = new JsonObject { ["plan"] = new JsonObject { ["name"] = plan, ["processes"] = new JsonArray(steps) } } };
        var parsed = WireParser.Parse(request.ToJsonString());
        Assert.True(parsed.IsOk, parsed.Error);
        return (ApplyPlan)parsed.Request!.Command;
    }

    private static IReadOnlyList<string> Problems(ApplyPlan apply, params string[] upHosts) =>
        PlanGraph.Problems(apply.Plan, apply.Problems, (step, host) => upHosts.Contains(host) ? null : ErrorTexts.PlanUnknownHost(step, host, null));

    [Fact]
    public void A_well_formed_plan_has_no_problems() =>
        Assert.Empty(Problems(Parse("lab", Step("broker"), Step("camera", "beta", ["broker"])), "alpha", "beta"));

    [Fact]
    public void A_step_that_depends_on_itself_is_a_cycle_of_length_one() =>
        Assert.Contains(ErrorTexts.DependencyCycle(["a", "a"]), Problems(Parse("lab", Step("a", dependsOn: ["a"])), "alpha"));

    [Fact]
    public void Two_steps_that_depend_on_each_other_are_a_cycle_of_length_two() =>
        Assert.Contains(ErrorTexts.DependencyCycle(["a", "b", "a"]), Problems(Parse("lab", Step("a", dependsOn: ["b"]), Step("b", dependsOn: ["a"])), "alpha"));

    [Fact]
    public void Three_steps_in_a_ring_are_a_cycle_of_length_three() =>
        Assert.Contains(ErrorTexts.DependencyCycle(["a", "c", "b", "a"]),
            Problems(Parse("lab", Step("a", dependsOn: ["c"]), Step("b", dependsOn: ["a"]), Step("c", dependsOn: ["b"])), "alpha"));

    [Fact]
    public void Every_problem_of_a_plan_is_listed_at_once()
    {
        var apply = Parse("Bad Name",
            Step("a"), Step("a"),
            Step("b", "gamma", ["nothing"]),
            Step("c", extra: """{"path":"relative/sh"}"""),
            Step("d", extra: """{"ready":{"tcp":"no-port"}}"""),
            Step("e", extra: """{"ready":{"output":"x","exit_code":0}}"""));

        var problems = Problems(apply, "alpha");

        Assert.Contains(ErrorTexts.BadPlanName("apply_plan.plan.name"), problems);
        Assert.Contains(ErrorTexts.DuplicateStep("a"), problems);
        Assert.Contains(ErrorTexts.UnknownDependency("b", "nothing", null), problems);
        Assert.Contains(ErrorTexts.PlanUnknownHost("b", "gamma", null), problems);
        Assert.Contains(problems, p => p.Contains("processes[3].path", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("processes[4].ready.tcp", StringComparison.Ordinal));
        Assert.Contains(ErrorTexts.ReadyNeedsOneKind("apply_plan.plan.processes[5].ready"), problems);
        Assert.Equal(7, problems.Count);
    }

    [Fact]
    public void A_step_starts_only_once_every_dependency_is_ready()
    {
        var plan = Parse("lab", Step("a"), Step("b", dependsOn: ["a"]), Step("c", dependsOn: ["a"]), Step("d", dependsOn: ["b", "c"])).Plan;
        string[] Next(string[] started, string[] ready) =>
            PlanGraph.ReadyToStart(plan, started.ToHashSet(), ready.ToHashSet()).Select(s => s.Name).ToArray();

        Assert.Equal(["a"], Next([], []));
        Assert.Empty(Next(["a"], []));
        Assert.Equal(["b", "c"], Next(["a"], ["a"]));
        Assert.Empty(Next(["a", "b", "c"], ["a", "b"]));
        Assert.Equal(["d"], Next(["a", "b", "c"], ["a", "b", "c"]));
    }

    [Fact]
    public void Remove_stops_a_step_only_after_everything_that_depends_on_it_has_exited()
    {
        var plan = Parse("lab", Step("a"), Step("b", dependsOn: ["a"]), Step("c", dependsOn: ["a"]), Step("d", dependsOn: ["b", "c"])).Plan;
        var all = plan.Steps.Select(s => s.Name).ToHashSet();
        string[] Next(string[] stopping, string[] stopped) =>
            PlanGraph.ReadyToStop(plan, all, stopping.ToHashSet(), stopped.ToHashSet()).Select(s => s.Name).ToArray();

        Assert.Equal(["d"], Next([], []));
        Assert.Equal(["b", "c"], Next(["d"], ["d"]));
        Assert.Empty(Next(["d", "b", "c"], ["d", "b"]));
        Assert.Equal(["a"], Next(["d", "b", "c"], ["d", "b", "c"]));
    }

    [Fact]
    public void Re_applying_the_same_plan_keeps_every_step()
    {
        var plan = Parse("lab", Step("a"), Step("b", dependsOn: ["a"])).Plan;
        var again = Parse("lab", Step("b", dependsOn: ["a"]), Step("a")).Plan;

        var diff = PlanGraph.Diff(plan, again);

        Assert.All(diff.Actions.Values, action => Assert.Equal(StepAction.Keep, action));
        Assert.Empty(diff.Removed);
    }

    [Fact]
    public void A_changed_step_restarts_with_its_dependents_and_a_removed_step_stops()
    {
        var plan = Parse("lab", Step("a"), Step("b", dependsOn: ["a"]), Step("c", dependsOn: ["b"]), Step("x"), Step("gone")).Plan;
        var next = Parse("lab", Step("a"), Step("b", dependsOn: ["a"], extra: """{"args":["-c","true"]}"""), Step("c", dependsOn: ["b"]),
            Step("x"), Step("new")).Plan;

        var diff = PlanGraph.Diff(plan, next);

        Assert.Equal(StepAction.Keep, diff.ActionOf("a"));
        Assert.Equal(StepAction.Restart, diff.ActionOf("b"));
        Assert.Equal(StepAction.Restart, diff.ActionOf("c"));
        Assert.Equal(StepAction.Keep, diff.ActionOf("x"));
        Assert.Equal(StepAction.Start, diff.ActionOf("new"));
        Assert.Equal(["gone"], diff.Removed.Select(s => s.Name));
    }

    [Fact]
    public void A_step_that_was_not_ready_after_a_failed_apply_restarts_with_its_dependents()
    {
        var plan = Parse("lab", Step("a"), Step("b", dependsOn: ["a"]), Step("c")).Plan;

        var diff = PlanGraph.Diff(plan, plan, new HashSet<string> { "a" });

        Assert.Equal([StepAction.Restart, StepAction.Restart, StepAction.Keep], new[] { "a", "b", "c" }.Select(diff.ActionOf));
    }

    [Fact]
    public void A_plan_step_runs_on_its_node_under_the_name_plan_dot_step() =>
        Assert.Equal("lab.broker", Parse("lab", Step("broker")).Plan.Steps[0].Start.Name);

    [Fact]
    public void Readiness_is_parsed_with_its_timeout_and_defaults_to_running()
    {
        var plan = Parse("lab", Step("a"), Step("b", extra: """{"ready":{"tcp":"127.0.0.1:1883","timeout_s":5}}"""),
            Step("c", extra: """{"ready":{"exit_code":0}}""")).Plan;

        Assert.Equal(ReadyCheck.WhenRunning(PlanDefaults.ReadyTimeoutS), plan.Steps[0].Ready);
        Assert.Equal(new ReadyCheck(ReadyKind.Tcp, 5, TcpHost: "127.0.0.1", TcpPort: 1883), plan.Steps[1].Ready);
        Assert.Equal(new ReadyCheck(ReadyKind.ExitCode, PlanDefaults.ReadyTimeoutS, ExitCode: 0), plan.Steps[2].Ready);
    }
}
