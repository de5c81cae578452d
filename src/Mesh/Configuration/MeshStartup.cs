using BlueZero.Mesh.Hosting;

namespace BlueZero.Mesh.Configuration;

/// <summary>
/// The start of both executables: parse the command line with System.CommandLine, answer --help, build the settings,
/// and turn every usage or setup error into one line on standard error and exit code 2 instead of a stack trace.
/// </summary>
public static class MeshStartup
{
    /// <param name="settings">Every setting the executable takes: <see cref="MeshSettings.Common"/> and its own.</param>
    /// <param name="build">Builds the executable's settings from the mesh's; may throw <see cref="SetupException"/>.</param>
    /// <returns>The settings, or null with the exit code the program should end with.</returns>
    public static T? Resolve<T>(string[] args, MeshMember member, IReadOnlyList<MeshSetting> settings, string description,
        Func<MeshSetup, T> build, out int exitCode) where T : class
    {
        exitCode = ExitCodes.Stopped;
        var environment = MeshSetup.ReadEnvironment();
        var command = new MeshCommandLine(description, settings);
        var parsed = command.Parse(args);
        if (MeshCommandLine.AsksForHelp(parsed))
        {
            var given = command.Given(parsed);
            MeshCommandLine.WriteHelp(new MeshCommandLine(description, settings, HelpDefaults(member, given, environment)).Parse(args));
            return null;
        }
        try
        {
            if (parsed.Errors.Count > 0) throw new UsageException(command.Describe(parsed));
            return build(MeshSetup.Build(member, command.Given(parsed), environment, settings));
        }
        catch (Exception ex) when (ex is UsageException or SetupException or Akka.Configuration.ConfigurationException or FormatException)
        {
            Console.Error.WriteLine($"error: {ex.Message.ReplaceLineEndings(" ")}");
            exitCode = ExitCodes.Usage;
            return null;
        }
    }

    /// <summary>The HOCON the executable would run with; a broken file leaves the help without defaults rather than failing it.</summary>
    private static Akka.Configuration.Config? HelpDefaults(MeshMember member, GivenFlags flags, IReadOnlyDictionary<string, string> environment)
    {
        try
        {
            return HoconFiles.Merge(MeshSetup.LoadHocon(member, flags, environment));
        }
        catch (Exception ex) when (ex is IOException or Akka.Configuration.ConfigurationException or FormatException)
        {
            return null;
        }
    }
}
