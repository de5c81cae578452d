using BlueZero.ProcessManager.Native;

namespace BlueZero.ProcessManager.Observation;

/// <summary>Cpu usage from two readings of a cpu-time counter in clock ticks: percent of one core (100 = one core busy).</summary>
public static class CpuPercent
{
    /// <summary>USER_HZ, the unit of /proc cpu times: sysconf(_SC_CLK_TCK), 100 on every Linux we know if the call fails.</summary>
    public static double ClockTicksPerSecond { get; } = LibC.sysconf(LibC._SC_CLK_TCK) is > 0 and var hz ? hz : 100;

    public static double Between(ulong earlierTicks, double earlierAtS, ulong laterTicks, double laterAtS) =>
        Between(earlierTicks, earlierAtS, laterTicks, laterAtS, ClockTicksPerSecond);

    /// <summary>
    /// 0 when no time passed, or when the counter went down: the pid now names another process (reused) or a
    /// tree lost a member, and no usage can be told from that.
    /// </summary>
    public static double Between(ulong earlierTicks, double earlierAtS, ulong laterTicks, double laterAtS, double ticksPerSecond)
    {
        var seconds = laterAtS - earlierAtS;
        if (laterTicks < earlierTicks || seconds <= 0 || ticksPerSecond <= 0) return 0;
        return (laterTicks - earlierTicks) / ticksPerSecond / seconds * 100;
    }
}
