using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.Unit.Metrics;

/// <summary>The tests' parser of the text exposition format is strict: it is what makes every scrape a format check.</summary>
public sealed class PrometheusTextTests
{
    private const string Valid = """
        # HELP up_total Things.
        # TYPE up_total counter
        up_total{host="a",note="say \"hi\"\\n"} 3
        # TYPE lat histogram
        lat_bucket{le="0.1"} 1
        lat_bucket{le="+Inf"} 2
        lat_sum 0.3
        lat_count 2

        """;

    [Fact]
    public void A_valid_exposition_is_read_with_its_labels_unescaped()
    {
        var text = PrometheusText.Parse(Valid.ReplaceLineEndings("\n"));

        Assert.Equal(3, text.Value("up_total", ("host", "a"), ("note", "say \"hi\"\\n")));
        Assert.Equal(2, text.Value("lat_count"));
    }

    [Theory]
    [InlineData("undeclared 1\n")]
    [InlineData("# TYPE g gauge\ng{a=\"1\"} 1\ng{a=\"1\"} 2\n")]
    [InlineData("# TYPE g gauge\ng{a=\"1\",a=\"2\"} 1\n")]
    [InlineData("# TYPE g gauge\ng{a=\"\\x\"} 1\n")]
    [InlineData("# TYPE g gauge\ng{1a=\"1\"} 1\n")]
    [InlineData("# TYPE g gauge\ng one\n")]
    [InlineData("# TYPE g gauge\ng 1")]
    [InlineData("# TYPE g gauge\ng 1\n# TYPE g gauge\n")]
    [InlineData("# TYPE g thing\n")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\n")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 1\n")]
    public void A_malformed_exposition_is_refused(string text)
    {
        Assert.Throws<FormatException>(() => PrometheusText.Parse(text));
    }
}
