using BlueZero.ProcessManager.Observation;
using Xunit;

namespace BlueZero.Tests.Unit.Observation;

/// <summary>The host cpu sampler reports usage over the time since its previous call.</summary>
public sealed class CpuUsageSamplerTests
{
    private const string AtBoot = "cpu  100 0 0 300 0 0 0 0 0 0\ncpu0 100 0 0 100 0 0 0 0 0 0\ncpu1 0 0 0 200 0 0 0 0 0 0\n";
    // 100 jiffies later on each core: cpu0 fully busy, cpu1 idle.
    private const string Later = "cpu  200 0 0 400 0 0 0 0 0 0\ncpu0 200 0 0 100 0 0 0 0 0 0\ncpu1 0 0 0 300 0 0 0 0 0 0\n";

    [Fact]
    public void First_sample_covers_the_time_since_boot()
    {
        var sampler = new CpuUsageSampler("Test CPU", 2, () => AtBoot);

        var facts = sampler.Sample();

        Assert.Equal(25, facts.UsagePercent, precision: 6);
        Assert.Equal(new[] { 50.0, 0.0 }, facts.PerCorePercent);
    }

    [Fact]
    public void Next_sample_covers_the_interval_since_the_previous_one()
    {
        var texts = new Queue<string>([AtBoot, Later]);
        var sampler = new CpuUsageSampler("Test CPU", 2, texts.Dequeue);

        sampler.Sample();
        var facts = sampler.Sample();

        Assert.Equal(50, facts.UsagePercent, precision: 6);
        Assert.Equal(new[] { 100.0, 0.0 }, facts.PerCorePercent);
    }

    [Fact]
    public void Model_and_cores_are_reported_as_given()
    {
        var facts = new CpuUsageSampler("Test CPU", 8, () => AtBoot).Sample();

        Assert.Equal(("Test CPU", 8), (facts.Model, facts.Cores));
    }

    [Fact]
    public void Unreadable_stat_gives_zero_usage_and_keeps_the_previous_reading()
    {
        var texts = new Queue<string?>([AtBoot, null, Later]);
        var sampler = new CpuUsageSampler("Test CPU", 2, texts.Dequeue);

        sampler.Sample();
        var unreadable = sampler.Sample();
        var after = sampler.Sample();

        Assert.Equal(0, unreadable.UsagePercent);
        Assert.Empty(unreadable.PerCorePercent);
        Assert.Equal(50, after.UsagePercent, precision: 6);
    }

    [Fact]
    public void A_sampler_of_this_host_reports_every_online_core()
    {
        var facts = CpuUsageSampler.ForThisHost().Sample();

        Assert.Equal(Environment.ProcessorCount, facts.Cores);
        Assert.InRange(facts.UsagePercent, 0, 100);
        Assert.NotEmpty(facts.PerCorePercent);
    }
}
