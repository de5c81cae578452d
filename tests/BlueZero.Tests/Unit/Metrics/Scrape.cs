using System.Text;
using BlueZero.Tests.Support;
using Prometheus;

namespace BlueZero.Tests.Unit.Metrics;

/// <summary>A registry's exposition, as prometheus-net writes it for GET /metrics, read back by the strict parser.</summary>
public static class Scrape
{
    public static async Task<PrometheusText> Of(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return PrometheusText.Parse(Encoding.UTF8.GetString(stream.ToArray()));
    }
}
