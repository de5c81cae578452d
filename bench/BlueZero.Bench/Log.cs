namespace BlueZero.Bench;

/// <summary>Progress lines, on stderr so that stdout carries only the results.</summary>
internal static class Log
{
    public static void Info(string message) => Console.Error.WriteLine($"[bench] {message}");
}
