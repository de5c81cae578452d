using System.Globalization;
using System.Net.NetworkInformation;
using BlueZero.Messages.Protocol;

namespace BlueZero.ProcessManager.Observation;

/// <summary>
/// Network interfaces: name, MAC and state from /sys/class/net, addresses from getifaddrs (through
/// <see cref="NetworkInterface"/>), which /sys does not list.
/// </summary>
public static class NicFactsReader
{
    public const string SysClassNet = "/sys/class/net";
    private const int IFF_UP = 0x1;

    public static IReadOnlyList<NicFacts> Read()
    {
        var addresses = AddressesByInterface();
        return InterfaceNames().Union(addresses.Keys)
            .Order(StringComparer.Ordinal)
            .Select(name => new NicFacts(
                name,
                SystemFiles.ReadFirstLine($"{SysClassNet}/{name}/address") ?? SystemFiles.Unknown,
                addresses.GetValueOrDefault(name) ?? [],
                IsUp(SystemFiles.ReadFirstLine($"{SysClassNet}/{name}/operstate"), SystemFiles.ReadFirstLine($"{SysClassNet}/{name}/flags"))))
            .ToList();
    }

    /// <summary>
    /// Up when the kernel says "up". Loopback and some virtual devices never report a carrier and stay "unknown";
    /// for them the administrative IFF_UP bit of the hex flags ("0x9") decides.
    /// </summary>
    public static bool IsUp(string? operState, string? flags)
    {
        if (operState == "up") return true;
        if (operState != "unknown" || flags is null) return false;
        var hex = flags.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? flags[2..] : flags;
        return int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var bits) && (bits & IFF_UP) != 0;
    }

    private static IEnumerable<string> InterfaceNames()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(SysClassNet).Select(Path.GetFileName).OfType<string>().ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static Dictionary<string, IReadOnlyList<string>> AddressesByInterface()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces().DistinctBy(nic => nic.Name).ToDictionary(
                nic => nic.Name,
                nic => (IReadOnlyList<string>)nic.GetIPProperties().UnicastAddresses.Select(a => a.Address.ToString()).ToList());
        }
        catch (Exception ex) when (ex is NetworkInformationException or PlatformNotSupportedException)
        {
            return [];
        }
    }
}
