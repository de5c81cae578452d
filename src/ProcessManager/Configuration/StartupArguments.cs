using BlueZero.ProcessManager.Hosting;

namespace BlueZero.ProcessManager.Configuration;

/// <summary>
/// The start of both executables: parse flags, answer --help, build the settings, and turn every setup error into
/// a one-line message with exit code 2 instead of a stack trace.
/// </summary>
public static class StartupArguments
{
    /// <param name="hoconFiles">The executable's HOCON files, most specific first: --help shows the defaults they hold.</param>
    /// <returns>The settings, or null with the exit code the program should end with.</returns>
    public static T? Resolve<T>(string[] args, IReadOnlyList<FlagSpec> specs, string synopsis, string description,
        Func<CommandLine, T> build, out int exitCode, IReadOnlyList<string>? hoconFiles = null) where T : class
    {
        exitCode = 0;
        var usage = CommandLine.Usage(synopsis, description, specs);
        var flags = CommandLine.Parse(args, specs, out var flagError);
        if (flags is null)
        {
            Console.Error.WriteLine($"error: {flagError}");
            Console.Error.WriteLine(usage);
            exitCode = ExitCodes.Usage;
            return null;
        }
        if (flags.Has(MeshFlags.Help.Name))
        {
            Console.WriteLine(CommandLine.Usage(synopsis, description, specs, HelpDefaults(flags, hoconFiles)));
            return null;
        }
        try
        {
            return build(flags);
        }
        catch (Exception ex) when (ex is SetupException or Akka.Configuration.ConfigurationException or FormatException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            exitCode = ExitCodes.Usage;
            return null;
        }
    }

    /// <summary>The HOCON the executable would run with; a broken file leaves the help without defaults rather than failing it.</summary>
    private static Akka.Configuration.Config? HelpDefaults(CommandLine flags, IReadOnlyList<string>? hoconFiles)
    {
        if (hoconFiles is null) return null;
        try
        {
            return MeshSetup.LoadHocon(flags, MeshSetup.ReadEnvironment(), hoconFiles, out _);
        }
        catch (Exception ex) when (ex is IOException or Akka.Configuration.ConfigurationException or FormatException)
        {
            return null;
        }
    }
}
