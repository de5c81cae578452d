using BlueZero.Messages.Wire;
using System.Text.RegularExpressions;
using Akka.Configuration;
using BlueZero.Hub;
using BlueZero.Mesh.Configuration;
using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>hocon/*.hocon is the one home of every default: each documented setting and each flag has its value there.</summary>
public sealed partial class ShippedDefaultsTests
{
    private static Config Shipped(MeshMember member) =>
        HoconFiles.Merge(MeshSetup.HoconFilesOf(member).Select(HoconFiles.BuiltIn).ToList());

    [Fact]
    public void Every_setting_in_the_READMEs_configuration_table_has_a_value_in_the_shipped_hocon()
    {
        var hub = Shipped(MeshMember.Hub);
        var keys = DocumentedKeys();

        Assert.True(keys.Count >= 25, $"only {keys.Count} keys read from the README's table");
        Assert.All(keys, key => Assert.True(hub.HasPath(key), $"{key} is documented in README.md but has no value in hocon/*.hocon"));
    }

    [Fact]
    public void Every_flag_of_both_executables_has_its_default_in_the_shipped_hocon()
    {
        var node = Shipped(MeshMember.Node);
        var hub = Shipped(MeshMember.Hub);

        Assert.All(MeshSettings.Common.Where(s => s.Key is not null), s => Assert.True(node.HasPath(s.Key!), $"{s.Flag}: {s.Key} has no value for a node"));
        Assert.All(HubOptions.Flags.Where(s => s.Key is not null), s => Assert.True(hub.HasPath(s.Key!), $"{s.Flag}: {s.Key} has no value for the hub"));
    }

    [Fact]
    public void The_shipped_hocon_alone_gives_a_hub_and_a_node_all_their_settings()
    {
        var hub = MeshSetup.Build(MeshMember.Hub, GivenFlags.None, new Dictionary<string, string>(), HubOptions.Flags);
        var hubOptions = HubOptions.From(hub.Settings);

        Assert.Equal(4053, hub.Cluster.ClusterPort);
        Assert.Empty(hub.Cluster.Seeds);
        Assert.Equal(TimeSpan.FromHours(1), hubOptions.ForgetAfter);
        Assert.True(hubOptions.LocalNode);
        Assert.Equal(0, ShippedSettings.Node.Cluster.ClusterPort);
        Assert.Equal(["akka.tcp://bluezero@127.0.0.1:4053"], ShippedSettings.Node.Cluster.Seeds);
        Assert.Equal(TimeSpan.FromSeconds(5), ShippedSettings.ProcessManager.StopGrace);
    }

    [Fact]
    public void The_wire_parsers_own_limits_are_the_shipped_hub_limits()
    {
        // The wire library sits below the configuration layer (the CLI will use it with no hocon at hand), so its
        // parser keeps its own default limits; this keeps them the same fact as bluezero.hub.limits in hub.hocon.
        var hub = MeshSetup.Build(MeshMember.Hub, GivenFlags.None, new Dictionary<string, string>(), HubOptions.Flags);

        Assert.Equal(WireLimits.Default, HubOptions.From(hub.Settings).Limits);
    }

    [Fact]
    public void A_list_given_by_flag_replaces_the_hocon_list_and_an_environment_list_is_comma_separated()
    {
        var byFlag = MeshSetup.Build(MeshMember.Node, GivenFlags.Parse(["--seed", "akka.tcp://bluezero@10.0.0.9:4053"], MeshSettings.Common),
            new Dictionary<string, string>(), MeshSettings.Common);
        var byEnvironment = MeshSetup.Build(MeshMember.Node, GivenFlags.None,
            new Dictionary<string, string> { ["B0_SEED_NODES"] = "akka.tcp://bluezero@10.0.0.1:4053, akka.tcp://bluezero@10.0.0.2:4053" }, MeshSettings.Common);

        Assert.Equal(["akka.tcp://bluezero@10.0.0.9:4053"], byFlag.Cluster.Seeds);
        Assert.Equal(["akka.tcp://bluezero@10.0.0.1:4053", "akka.tcp://bluezero@10.0.0.2:4053"], byEnvironment.Cluster.Seeds);
    }

    [Fact]
    public void An_unknown_flag_is_one_line_that_names_the_closest_known_flag()
    {
        var message = Assert.Throws<UsageException>(() => GivenFlags.Parse(["--seeed", "x"], MeshSettings.Common)).Message;

        Assert.Contains("'--seeed'", message);
        Assert.Contains("(did you mean --seed?)", message);
        Assert.DoesNotContain('\n', message);
    }

    /// <summary>The HOCON column of README.md's configuration table: `bluezero.a.b`, `.c` (a sibling of the key before) and `x` / `y` pairs.</summary>
    private static IReadOnlyList<string> DocumentedKeys()
    {
        var keys = new List<string>();
        var lines = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "README.md"));
        var start = Array.IndexOf(lines, "| flag | environment | HOCON | default |");
        Assert.True(start >= 0, "README.md has no configuration table");
        foreach (var line in lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var cell = line.Split('|')[3];
            string? previous = null;
            foreach (Match span in Code().Matches(cell))
            {
                var text = span.Groups[1].Value;
                var key = text.StartsWith("bluezero.") ? text : previous is null ? null : $"{previous[..previous.LastIndexOf('.')]}.{text.TrimStart('.')}";
                if (key is null) continue;
                keys.Add(key.EndsWith(".*") ? key[..^2] : key);
                previous = key;
            }
        }
        return keys;
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Code();
}
