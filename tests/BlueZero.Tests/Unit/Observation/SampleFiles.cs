namespace BlueZero.Tests.Unit.Observation;

/// <summary>The captured /proc, /sys and /etc files in Samples/, copied beside the test assembly.</summary>
internal static class SampleFiles
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Unit", "Observation", "Samples", name);

    public static string Read(string name) => File.ReadAllText(PathOf(name));
}
