namespace BlueZero.Messages.Wire;

/// <summary>
/// Size limits the parser enforces on a start_process request, so one request cannot make a node build an oversized
/// argument vector or environment block (execve refuses those with E2BIG anyway, later and less clearly). Sizes are
/// UTF-8 bytes. The hub configures them from bluezero.hub.limits.* in hub.hocon; <see cref="Default"/> is the parser's own
/// default for callers without settings (this library sits below the configuration layer), kept equal to the shipped
/// hocon by ShippedDefaultsTests.
/// </summary>
/// <param name="MaxArgsBytes">The sum of the UTF-8 sizes of all start_process.args.</param>
/// <param name="MaxEnvEntries">The number of start_process.env entries.</param>
/// <param name="MaxEnvBytes">The sum over start_process.env of NAME=VALUE sizes (name + 1 + value, UTF-8).</param>
/// <param name="MaxPathBytes">The UTF-8 size of start_process.path and start_process.cwd (PATH_MAX on Linux).</param>
/// <param name="MaxStdinBytes">The UTF-8 size of start_process.stdin (kept in the process table, written again on each run).</param>
public sealed record WireLimits(
    int MaxArgsBytes = WireLimits.DefaultMaxArgsBytes,
    int MaxEnvEntries = WireLimits.DefaultMaxEnvEntries,
    int MaxEnvBytes = WireLimits.DefaultMaxEnvBytes,
    int MaxPathBytes = WireLimits.DefaultMaxPathBytes,
    int MaxStdinBytes = WireLimits.DefaultMaxStdinBytes)
{
    public const int DefaultMaxStdinBytes = 256 * 1024;
    public const int DefaultMaxArgsBytes = 256 * 1024;
    public const int DefaultMaxEnvEntries = 1000;
    public const int DefaultMaxEnvBytes = 256 * 1024;
    public const int DefaultMaxPathBytes = 4096;

    public static WireLimits Default { get; } = new();

    /// <summary>The name of the first limit that is not positive, or null when all are usable.</summary>
    public string? FirstInvalid() =>
        MaxArgsBytes <= 0 ? "max-args-bytes"
        : MaxEnvEntries <= 0 ? "max-env-entries"
        : MaxEnvBytes <= 0 ? "max-env-bytes"
        : MaxPathBytes <= 0 ? "max-path-bytes"
        : MaxStdinBytes <= 0 ? "max-stdin-bytes"
        : null;
}
