namespace BlueZero.ProcessManager.Observation;

/// <summary>Finds a human-readable cpu model in /proc/cpuinfo, whose keys differ by architecture.</summary>
public static class CpuInfoFile
{
    public const string Path = "/proc/cpuinfo";

    // x86 names the model; arm64 boards may name the board ("Model", Raspberry Pi) or the SoC ("Hardware").
    // Keys are matched exactly: x86's "model" is a number, not a name.
    private static readonly string[] NameKeys = ["model name", "Model", "Hardware"];

    private static readonly Dictionary<string, string> ArmImplementers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["0x41"] = "ARM", ["0x42"] = "Broadcom", ["0x48"] = "HiSilicon", ["0x4e"] = "NVIDIA",
        ["0x51"] = "Qualcomm", ["0x61"] = "Apple", ["0xc0"] = "Ampere",
    };

    public static string ReadModel() => ParseModel(SystemFiles.ReadText(Path) ?? "");

    public static string ParseModel(string text)
    {
        var values = FirstValues(text);
        foreach (var key in NameKeys)
            if (values.TryGetValue(key, out var name) && name.Length > 0) return name;
        // Plain arm64 (most servers and VMs) gives only ids: "CPU implementer : 0x41", "CPU part : 0xd0c".
        if (values.TryGetValue("CPU part", out var part))
        {
            var implementer = values.GetValueOrDefault("CPU implementer") ?? "";
            var vendor = ArmImplementers.GetValueOrDefault(implementer) ?? $"implementer {implementer}".TrimEnd();
            return $"{vendor} CPU part {part}";
        }
        return SystemFiles.Unknown;
    }

    /// <summary>"key : value" pairs, the first occurrence of each key (every core repeats them).</summary>
    private static Dictionary<string, string> FirstValues(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            values.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
        }
        return values;
    }
}
