namespace BlueZero.Hub.Security;

/// <summary>What a bearer token may do: <see cref="Read"/> only the read operations, <see cref="Admin"/> everything.</summary>
public enum TokenRole { Read, Admin }

/// <summary>Who made a request: the token's name and role, or "anonymous" (admin) when the front door runs open.</summary>
public sealed record Caller(string Name, TokenRole Role)
{
    public static readonly Caller Anonymous = new("anonymous", TokenRole.Admin);

    /// <summary>The token's name, or null without a token file: what a node records as <c>by</c> in its events.</summary>
    public string? TokenName => ReferenceEquals(this, Anonymous) ? null : Name;
}
