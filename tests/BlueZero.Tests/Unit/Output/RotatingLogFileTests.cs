using BlueZero.ProcessManager.Output;
using Xunit;

namespace BlueZero.Tests.Unit.Output;

public sealed class RotatingLogFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("b0-rotate-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Files_rotate_at_the_size_limit_and_only_the_configured_number_is_kept()
    {
        var path = Path.Combine(_directory, "stdout.log");
        var at = new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);
        using (var file = new RotatingLogFile(path, maxBytes: 1000, files: 3))
        {
            // 25-byte timestamp + 74 characters + newline = 100 bytes a line: 10 lines a file.
            for (var i = 0; i < 45; i++) file.WriteLine(at, $"{i:D4}".PadRight(74, '.'));
        }

        Assert.Equal(["stdout.log", "stdout.log.1", "stdout.log.2"], Directory.GetFiles(_directory).Select(f => Path.GetFileName(f)).Order().ToArray());
        foreach (var name in Directory.GetFiles(_directory)) Assert.True(new FileInfo(name).Length <= 1000, $"{name} is over the limit");
        var current = File.ReadAllLines(path);
        Assert.Equal(5, current.Length);
        Assert.StartsWith("2026-11-24T06:00:00.000Z 0044", current[^1]);
        Assert.StartsWith("2026-11-24T06:00:00.000Z 0030", File.ReadAllLines(path + ".1")[0]);
        Assert.StartsWith("2026-11-24T06:00:00.000Z 0020", File.ReadAllLines(path + ".2")[0]);
    }

    [Fact]
    public void A_reopened_file_continues_counting_from_its_size()
    {
        var path = Path.Combine(_directory, "stderr.log");
        using (var first = new RotatingLogFile(path, 1000, 2))
            for (var i = 0; i < 8; i++) first.WriteLine(DateTimeOffset.UnixEpoch, new string('a', 74));
        using (var second = new RotatingLogFile(path, 1000, 2))
            for (var i = 0; i < 3; i++) second.WriteLine(DateTimeOffset.UnixEpoch, new string('b', 74));

        Assert.Equal(10, File.ReadAllLines(path + ".1").Length);
        Assert.Equal(["b"], File.ReadAllLines(path).Select(l => l[25..26]).Distinct());
    }
}
