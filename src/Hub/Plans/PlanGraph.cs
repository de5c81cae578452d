using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Plans;

/// <summary>
/// The pure rules of a plan's dependency graph: its problems (duplicates, unknown dependencies, cycles, hosts), what
/// may start now, what may stop now (reverse order), and the diff of a re-apply. Actors only carry these out.
/// </summary>
public static class PlanGraph
{
    /// <summary>How a host_name stands, for validation: null when it may be used, else the problem's text.</summary>
    public delegate string? HostCheck(string step, string host);

    /// <summary>Every problem of the graph and its hosts, after the document's own (<paramref name="parsed"/>).</summary>
    public static IReadOnlyList<string> Problems(PlanDefinition plan, IReadOnlyList<string> parsed, HostCheck host)
    {
        var problems = new List<string>(parsed);
        var names = plan.Steps.Select(s => s.Name).ToList();
        problems.AddRange(names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => ErrorTexts.DuplicateStep(g.Key)));
        var known = names.ToHashSet(StringComparer.Ordinal);
        foreach (var step in plan.Steps)
            foreach (var dependency in step.DependsOn.Where(d => !known.Contains(d)))
                problems.Add(ErrorTexts.UnknownDependency(step.Name, dependency, ClosestName.Find(dependency, names)));
        problems.AddRange(Cycles(plan).Select(ErrorTexts.DependencyCycle));
        foreach (var step in plan.Steps.Where(s => s.Host.Length > 0))
            if (host(step.Name, step.Host) is { } problem) problems.Add(problem);
        return problems;
    }

    /// <summary>Each cycle once, as the path that closes it (a -> b -> a); a step that depends on itself is a -> a.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Cycles(PlanDefinition plan)
    {
        var edges = plan.Steps.GroupBy(s => s.Name).ToDictionary(g => g.Key, g => g.First().DependsOn, StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1: on the path, 2: done
        var path = new List<string>();
        var cycles = new List<IReadOnlyList<string>>();
        void Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in edges[node].Where(edges.ContainsKey))
            {
                if (state.GetValueOrDefault(next) == 1) cycles.Add([.. path.Skip(path.IndexOf(next)), next]);
                else if (state.GetValueOrDefault(next) == 0) Visit(next);
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
        }
        foreach (var name in edges.Keys.Where(n => !state.ContainsKey(n))) Visit(name);
        return cycles;
    }

    /// <summary>Steps that may start now: not started yet, with every dependency ready.</summary>
    public static IReadOnlyList<PlanStep> ReadyToStart(PlanDefinition plan, IReadOnlySet<string> started, IReadOnlySet<string> ready) =>
        plan.Steps.Where(s => !started.Contains(s.Name) && s.DependsOn.All(ready.Contains)).ToList();

    /// <summary>
    /// Steps of <paramref name="toStop"/> that may stop now: not stopping yet, and everything in <paramref name="toStop"/>
    /// that depends on them has exited.
    /// </summary>
    public static IReadOnlyList<PlanStep> ReadyToStop(PlanDefinition plan, IReadOnlySet<string> toStop, IReadOnlySet<string> stopping,
        IReadOnlySet<string> stopped) =>
        plan.Steps.Where(s => toStop.Contains(s.Name) && !stopping.Contains(s.Name) && !stopped.Contains(s.Name)
            && plan.Steps.Where(d => toStop.Contains(d.Name) && d.DependsOn.Contains(s.Name)).All(d => stopped.Contains(d.Name)))
            .ToList();

    /// <summary>The steps in an order that starts every step after its dependencies (for reports and the dry run).</summary>
    public static IReadOnlyList<PlanStep> StartOrder(PlanDefinition plan)
    {
        var order = new List<PlanStep>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        while (ReadyToStart(plan, done, done) is { Count: > 0 } next)
            foreach (var step in next)
            {
                order.Add(step);
                done.Add(step.Name);
            }
        return order;
    }

    /// <summary>The names of <paramref name="roots"/> and of every step that depends on them, directly or not.</summary>
    public static IReadOnlySet<string> WithDependents(PlanDefinition plan, IEnumerable<string> roots)
    {
        var set = roots.ToHashSet(StringComparer.Ordinal);
        bool grew;
        do
        {
            grew = false;
            foreach (var step in plan.Steps.Where(s => !set.Contains(s.Name) && s.DependsOn.Any(set.Contains)))
                grew |= set.Add(step.Name);
        }
        while (grew);
        return set;
    }

    /// <summary>
    /// What a re-apply of <paramref name="next"/> does, against <paramref name="previous"/> (null: a first apply): steps
    /// new to the plan start; a step whose spec or host changed (or that was not ready) restarts, with everything that depends on it; the rest
    /// is kept; steps no longer in the plan stop.
    /// </summary>
    /// <param name="notReady">Steps of <paramref name="previous"/> that were not ready when it was last applied (a failed
    /// apply): they restart like changed ones, so that a re-apply never takes a step that failed for ready.</param>
    public static PlanDiff Diff(PlanDefinition? previous, PlanDefinition next, IReadOnlySet<string>? notReady = null)
    {
        var before = previous?.Steps.ToDictionary(s => s.Name, StringComparer.Ordinal) ?? new Dictionary<string, PlanStep>(StringComparer.Ordinal);
        var changed = next.Steps.Where(s => before.TryGetValue(s.Name, out var old)
            && (old.Spec != s.Spec || old.Host != s.Host || notReady?.Contains(s.Name) == true)).Select(s => s.Name);
        var restart = WithDependents(next, changed).Where(before.ContainsKey).ToHashSet(StringComparer.Ordinal);
        var actions = next.Steps.ToDictionary(s => s.Name,
            s => !before.ContainsKey(s.Name) ? StepAction.Start : restart.Contains(s.Name) ? StepAction.Restart : StepAction.Keep, StringComparer.Ordinal);
        var removed = before.Values.Where(s => next.Step(s.Name) is null).ToList();
        return new PlanDiff(actions, removed);
    }
}

/// <summary>A re-apply's plan of work: an action per step of the new plan, and the old steps to stop.</summary>
public sealed record PlanDiff(IReadOnlyDictionary<string, StepAction> Actions, IReadOnlyList<PlanStep> Removed)
{
    public StepAction ActionOf(string step) => Actions[step];
}
