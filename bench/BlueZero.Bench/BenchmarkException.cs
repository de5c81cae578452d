namespace BlueZero.Bench;

/// <summary>The benchmark cannot go on; the message says why and is shown as is.</summary>
internal sealed class BenchmarkException(string message) : Exception(message);
