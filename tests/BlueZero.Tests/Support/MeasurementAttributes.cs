using Xunit;

namespace BlueZero.Tests.Support;

/// <summary>
/// Measurements that report figures rather than check behaviour (speed and load belong to the benchmark, not to the
/// suite): they run only when asked for, with <c>B0_MEASURE=1 ./test.sh --filter ... --logger "console;verbosity=detailed"</c>.
/// </summary>
public static class Measurement
{
    public const string Variable = "B0_MEASURE";

    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";

    public static string? SkipReason => Enabled ? null : $"a measurement: runs with {Variable}=1";
}

public sealed class MeasurementFactAttribute : FactAttribute
{
    public MeasurementFactAttribute() => Skip = Measurement.SkipReason;
}

public sealed class MeasurementTheoryAttribute : TheoryAttribute
{
    public MeasurementTheoryAttribute() => Skip = Measurement.SkipReason;
}
