namespace BlueZero.Tests.Support;

/// <summary>Runs the built b0 executable (<see cref="TestPaths.B0"/>) against one hub, as a user would from a shell.</summary>
public sealed class B0Runner(string hubUrl)
{
    public Task<ScriptResult> Run(params string[] args) => Run(args, null);

    public Task<ScriptResult> Run(IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment, byte[]? stdin = null) =>
        ScriptRunner.RunProgram(TestPaths.B0, "b0 " + string.Join(' ', args), args, hubUrl, environment, stdin);
}
