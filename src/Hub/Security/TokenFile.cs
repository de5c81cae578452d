using System.Security.Cryptography;
using System.Text;
using BlueZero.Mesh.Configuration;

namespace BlueZero.Hub.Security;

/// <summary>
/// The hub's token file: one <c>name:role:token</c> per line, role <c>admin</c> or <c>read</c>; blank lines and
/// lines starting with <c>#</c> are ignored. The token is everything after the second colon. Lookup is constant
/// time: the presented token's SHA-256 digest is compared with every entry's digest by
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, so neither which entry matched nor the token length shows
/// in the timing.
/// </summary>
public sealed class TokenFile
{
    private readonly IReadOnlyList<(Caller Caller, byte[] Digest)> _entries;

    private TokenFile(string path, IReadOnlyList<(Caller, byte[])> entries)
    {
        Path = path;
        _entries = entries;
    }

    public string Path { get; }

    public IReadOnlyList<Caller> Callers => _entries.Select(e => e.Caller).ToList();

    /// <summary>Reads and checks the file; any problem is a <see cref="SetupException"/> naming the file and line.</summary>
    public static TokenFile Load(string path) => Parse(path, ReadLines(path));

    /// <summary>
    /// A file that holds one bare token for <paramref name="caller"/> (the metrics token): blank lines and lines starting
    /// with <c>#</c> are ignored; anything else than exactly one token is a <see cref="SetupException"/>.
    /// </summary>
    public static TokenFile LoadBare(string path, Caller caller)
    {
        var tokens = ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        if (tokens.Count != 1) throw new SetupException($"token file {path} must hold exactly one token, not {tokens.Count}");
        if (tokens[0].Any(char.IsWhiteSpace)) throw new SetupException($"token file {path}: the token contains white space");
        return new TokenFile(path, [(caller, Digest(tokens[0]))]);
    }

    private static string[] ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SetupException($"cannot read token file {path}: {ex.Message}");
        }
    }

    public static TokenFile Parse(string path, IReadOnlyList<string> lines)
    {
        var entries = new List<(Caller, byte[])>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var tokens = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var lineNumber = i + 1;
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            SetupException Bad(string why) => new($"token file {path} line {lineNumber}: {why}");

            var parts = line.Split(':', 3);
            if (parts.Length != 3) throw Bad("expected name:role:token");
            var (name, roleText, token) = (parts[0].Trim(), parts[1].Trim(), parts[2].Trim());
            if (name.Length == 0) throw Bad("empty name");
            if (token.Length == 0) throw Bad($"empty token for '{name}'");
            if (token.Any(char.IsWhiteSpace)) throw Bad($"the token of '{name}' contains white space");
            var role = roleText switch
            {
                "admin" => TokenRole.Admin,
                "read" => TokenRole.Read,
                _ => throw Bad($"unknown role '{roleText}' for '{name}': expected admin or read"),
            };
            if (names.TryGetValue(name, out var firstName)) throw Bad($"duplicate name '{name}' (first on line {firstName})");
            if (tokens.TryGetValue(token, out var firstToken)) throw Bad($"duplicate token (first on line {firstToken})");
            names[name] = lineNumber;
            tokens[token] = lineNumber;
            entries.Add((new Caller(name, role), Digest(token)));
        }
        if (entries.Count == 0) throw new SetupException($"token file {path} has no tokens");
        return new TokenFile(path, entries);
    }

    /// <summary>The caller a presented token belongs to, or null. Compares against every entry, whatever matches.</summary>
    public Caller? Find(string presented)
    {
        var digest = Digest(presented);
        Caller? match = null;
        foreach (var (caller, expected) in _entries)
            if (CryptographicOperations.FixedTimeEquals(digest, expected))
                match = caller;
        return match;
    }

    private static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
