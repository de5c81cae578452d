namespace BlueZero.Mesh.Configuration;

/// <summary>How a setting is given on the command line.</summary>
public enum SettingKind
{
    /// <summary><c>--flag VALUE</c>; given twice, the last one counts.</summary>
    Value,
    /// <summary><c>--flag VALUE</c>, repeatable, each value comma-separated too; the environment variable is comma-separated.</summary>
    List,
    /// <summary>A bare <c>--flag</c> that sets its key to <see cref="MeshSetting.SwitchValue"/>.</summary>
    Switch,
}

/// <summary>
/// One setting as users see it: its flag, the B0_* variable that stands in for it, and the hocon/*.hocon key that
/// holds its default. The key is the only home of the default; --help shows the value found there.
/// </summary>
/// <param name="Key">The HOCON path, e.g. bluezero.cluster-port; null for a setting that locates the HOCON itself.</param>
/// <param name="EmptyMeans">What an empty value in the HOCON stands for, said in --help (e.g. "the machine's host name").</param>
public sealed record MeshSetting(string Flag, string? EnvVar, string? Key, string Help, SettingKind Kind = SettingKind.Value,
    string? EmptyMeans = null, string? SwitchValue = null);
