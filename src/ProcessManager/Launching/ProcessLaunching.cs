using BlueZero.Messages.Protocol;
using BlueZero.ProcessManager.Configuration;

namespace BlueZero.ProcessManager.Launching;

/// <summary>Turns a start request into what the launcher runs: the node's child environment, overlaid by the request's; with run-as, wrapped in setpriv.</summary>
public static class ProcessLaunching
{
    public static LaunchRequest RequestFor(StartProcess spec, ProcessManagerOptions options)
    {
        var environment = new Dictionary<string, string>(options.ChildEnvironment, StringComparer.Ordinal);
        foreach (var (key, value) in spec.Env ?? new Dictionary<string, string>()) environment[key] = value;
        var request = new LaunchRequest(spec.Path, spec.Args, environment, spec.Cwd);
        return options.RunAs is { } user ? user.Wrap(request) : request;
    }
}
