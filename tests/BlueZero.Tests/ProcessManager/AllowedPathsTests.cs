using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Xunit;
using Xunit.Abstractions;

namespace BlueZero.Tests.ProcessManager;

/// <summary>
/// With an allow-list, only executables whose canonical path (symlinks and ".." resolved) lies inside an allowed
/// directory may start; everything else is refused as permission denied.
/// </summary>
public sealed class AllowedPathsTests : ProcessManagerTestKit
{
    private readonly string _allowed;
    private readonly string _evil;

    public AllowedPathsTests(ITestOutputHelper output) : base(output)
    {
        var root = CreateTempDirectory();
        _allowed = Directory.CreateDirectory(Path.Combine(root, "allowed")).FullName;
        _evil = Directory.CreateDirectory(Path.Combine(root, "allowed-evil")).FullName;
        WriteScript(Path.Combine(_allowed, "ok.sh"), "exit 0");
        WriteScript(Path.Combine(_evil, "ok.sh"), "exit 0");
    }

    private string StartFailure(string path) =>
        FailureOf(CreateManager(DefaultOptions with { AllowedPaths = [_allowed] }), new StartProcess(path, []));

    [Fact]
    public void An_executable_inside_an_allowed_directory_starts()
    {
        var manager = CreateManager(DefaultOptions with { AllowedPaths = [_allowed] });

        var pid = Start(manager, Path.Combine(_allowed, "ok.sh"));

        Assert.Equal(ProcessExit.Exited(0), AwaitEnded(manager, pid).Info.LastExit);
    }

    [Fact]
    public void An_executable_in_a_sibling_directory_sharing_the_name_prefix_is_refused()
    {
        var path = Path.Combine(_evil, "ok.sh");

        Assert.Equal(ErrorTexts.PermissionDenied(path), StartFailure(path));
    }

    [Fact]
    public void A_symlink_inside_an_allowed_directory_pointing_outside_is_refused()
    {
        var link = Path.Combine(_allowed, "link.sh");
        File.CreateSymbolicLink(link, Path.Combine(_evil, "ok.sh"));

        Assert.Equal(ErrorTexts.PermissionDenied(link), StartFailure(link));
    }

    [Fact]
    public void A_path_through_a_symlinked_directory_pointing_outside_is_refused()
    {
        var linkedDirectory = Path.Combine(_allowed, "linked-dir");
        Directory.CreateSymbolicLink(linkedDirectory, _evil);
        var path = Path.Combine(linkedDirectory, "ok.sh");

        Assert.Equal(ErrorTexts.PermissionDenied(path), StartFailure(path));
    }

    [Fact]
    public void A_path_that_climbs_out_with_dot_dot_is_refused()
    {
        var path = _allowed + "/../allowed-evil/ok.sh";

        Assert.Equal(ErrorTexts.PermissionDenied(path), StartFailure(path));
    }
}
