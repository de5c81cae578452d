using System.Globalization;
using Akka.Configuration.Hocon;
using Microsoft.Extensions.Configuration;

namespace BlueZero.Mesh.Configuration;

/// <summary>
/// Typed reads of the layered settings (<see cref="MeshConfiguration"/>), by HOCON path. There is no fallback here:
/// the shipped hocon/*.hocon holds every default, so a key without a value is a broken configuration, said in one line.
/// </summary>
public sealed class SettingValues(IConfiguration configuration, IReadOnlyDictionary<string, string> environment)
{
    /// <summary>The process environment, for the few variables that are not settings (passwords, XDG_STATE_HOME).</summary>
    public IReadOnlyDictionary<string, string> Environment => environment;

    public string Text(string path) =>
        configuration[MeshConfiguration.KeyOf(path)] ?? throw new SetupException($"{path} has no value; hocon/*.hocon must set it");

    /// <summary>A comma-separated list (a HOCON list, a repeated flag, or a comma-separated variable); blanks dropped.</summary>
    public IReadOnlyList<string> List(string path) =>
        Text(path).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>HOCON's on/off, true/false, yes/no.</summary>
    public bool Switch(string path) => Text(path).ToLowerInvariant() switch
    {
        "on" or "true" or "yes" => true,
        "off" or "false" or "no" => false,
        var other => throw new SetupException($"{path} must be on or off, not '{other}'"),
    };

    /// <summary>A HOCON duration such as 5s, 1h or 250ms; never negative.</summary>
    public TimeSpan Duration(string path)
    {
        var text = Text(path);
        var value = new HoconValue();
        value.AppendValue(new HoconLiteral { Value = text });
        TimeSpan duration;
        try
        {
            duration = value.GetTimeSpan(allowInfinite: false);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException or Akka.Configuration.ConfigurationException)
        {
            throw new SetupException($"{path} must be a duration such as 5s or 1h, not '{text}'");
        }
        if (duration < TimeSpan.Zero) throw new SetupException($"{path} must not be negative");
        return duration;
    }

    /// <summary>A whole number of at least <paramref name="min"/> (0 or 1).</summary>
    public int Whole(string path, int min)
    {
        var text = Text(path);
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
            throw new SetupException(min > 0 ? $"{path} must be positive" : $"{path} must not be negative");
        return value;
    }

    /// <summary>A byte count that must be positive.</summary>
    public long Bytes(string path)
    {
        var text = Text(path);
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value <= 0)
            throw new SetupException($"{path} must be positive");
        return value;
    }

    /// <summary>A number within [min, max], else a one-line error naming the flag (<paramref name="setting"/>).</summary>
    public double Number(MeshSetting setting, double min, double max)
    {
        var text = Text(setting.Key!);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value) || value < min || value > max)
            throw new SetupException($"{setting.Flag} must be a number from {min} to {max}, not '{text}'");
        return value;
    }
}
