namespace BlueZero.Hub.Security;

/// <summary>
/// What a bearer token may do: <see cref="Read"/> only the read operations, <see cref="Admin"/> everything,
/// <see cref="Metrics"/> (the --metrics-token-file token) only GET /metrics.
/// </summary>
public enum TokenRole { Read, Admin, Metrics }

/// <summary>Who made a request: the token's name and role, or "anonymous" (admin) when the front door runs open.</summary>
public sealed record Caller(string Name, TokenRole Role)
{
    public static readonly Caller Anonymous = new("anonymous", TokenRole.Admin);
    public static readonly Caller Scraper = new("metrics", TokenRole.Metrics);

    /// <summary>The token's name, or null without a token file: what a node records as <c>by</c> in its events.</summary>
    public string? TokenName => ReferenceEquals(this, Anonymous) ? null : Name;
}
