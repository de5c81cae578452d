using BlueZero.Messages.Protocol;
using System.Text;
using BlueZero.Mesh.Configuration;
using BlueZero.ProcessManager.Output;

namespace BlueZero.ProcessManager.Launching;

/// <summary>Turns a start request into what the launcher runs: the node's child environment, overlaid by the request's; with run-as, wrapped in setpriv.</summary>
public static class ProcessLaunching
{
    /// <param name="output">Where captured output goes; required when the spec captures (the default).</param>
    /// <param name="run">Which run of the entry this is: 1 for the first start, 2 for the first restart, ...</param>
    public static LaunchRequest RequestFor(StartProcess spec, ProcessManagerOptions options, ICapturedOutput? output, int run = 1)
    {
        // Without variables of its own a start passes the node's dictionary itself, whose native form the launcher keeps.
        var environment = options.ChildEnvironment;
        if (spec.Env is { Count: > 0 } overlay)
        {
            var merged = new Dictionary<string, string>(options.ChildEnvironment, StringComparer.Ordinal);
            foreach (var (key, value) in overlay) merged[key] = value;
            environment = merged;
        }
        var request = new LaunchRequest(spec.Path, spec.Args, environment, spec.Cwd)
        {
            Output = spec.EffectiveOutput switch
            {
                OutputMode.Capture when output is not null => OutputPlan.Capture(output, options.Output.MaxLineBytes, run),
                OutputMode.Inherit => OutputPlan.Inherit,
                _ => OutputPlan.Discard,
            },
            Stdin = spec.Stdin is { } text ? Encoding.UTF8.GetBytes(text) : null,
        };
        // Through setpriv, which execs the target in the same process: the pid is the child's and its argv unchanged.
        return options.RunAs is { } user ? request with { Path = RunAsUser.SetprivPath, Args = [.. user.SetprivArgs, request.Path, .. request.Args] } : request;
    }
}
