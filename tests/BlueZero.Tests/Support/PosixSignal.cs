namespace BlueZero.Tests.Support;

/// <summary>Linux signal numbers the end-to-end tests send.</summary>
public enum PosixSignal
{
    SIGINT = 2,
    SIGKILL = 9,
    SIGTERM = 15,
    SIGCONT = 18,
    SIGSTOP = 19,
}
