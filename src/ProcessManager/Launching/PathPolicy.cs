using BlueZero.Messages.Wire;
using BlueZero.ProcessManager.Native;

namespace BlueZero.ProcessManager.Launching;

/// <summary>
/// Checks an executable before spawning, so the user gets a precise reason (missing, a directory, not executable,
/// outside allowed-paths). Paths are canonicalised (symlinks and "..") before the allow-list is applied.
/// </summary>
public sealed class PathPolicy(IReadOnlyList<string> allowedDirectories)
{
    private readonly IReadOnlyList<string> _allowed = allowedDirectories.Select(d => Canonical(d).TrimEnd('/') + "/").ToList();

    /// <returns>null when the path may be started, otherwise the error text.</returns>
    public string? Check(string path, string? workingDirectory)
    {
        if (Directory.Exists(path)) return ErrorTexts.IsADirectory(path);
        if (!File.Exists(path)) return ErrorTexts.NoSuchFile(path);
        if (_allowed.Count > 0 && !_allowed.Any(Canonical(path).StartsWith)) return ErrorTexts.PermissionDenied(path);
        if (LibC.access(path, LibC.X_OK) != 0) return ErrorTexts.PermissionDenied(path);
        if (workingDirectory is not null && !Directory.Exists(workingDirectory)) return ErrorTexts.NoSuchDirectory(workingDirectory);
        return null;
    }

    private static string Canonical(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            var info = new FileInfo(full);
            // The file's own link target may itself sit under a symlinked directory: resolve those too.
            return ResolveDirectoryLinks(info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full);
        }
        catch (IOException)
        {
            return full;
        }
    }

    /// <summary>Resolves symlinks in every directory component, so /opt/link/app cannot escape /opt/app.</summary>
    private static string ResolveDirectoryLinks(string full, int depth = 0)
    {
        var parts = full.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "/";
        foreach (var part in parts)
        {
            current = Path.Combine(current, part);
            var target = new FileInfo(current).LinkTarget is not null
                ? new FileInfo(current).ResolveLinkTarget(true)?.FullName
                : null;
            if (target is not null) current = depth < 40 ? ResolveDirectoryLinks(target, depth + 1) : target;
        }
        return current;
    }
}
