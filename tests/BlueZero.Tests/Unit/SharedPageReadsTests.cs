using BlueZero.Hub.Http;
using BlueZero.Tests.Support;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>Followers at the same point of the same output share one fetch; nothing stays behind.</summary>
public sealed class SharedPageReadsTests
{
    private static readonly TimeSpan Gone = TimeSpan.FromSeconds(3);

    /// <summary>Long enough that nothing kept can expire while a test looks at it, however loaded the machine.</summary>
    private static readonly TimeSpan KeptThroughTheTest = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Readers_of_the_same_key_share_one_fetch_and_a_kept_page_serves_later_readers()
    {
        var reads = new SharedPageReads<string>(KeptThroughTheTest);
        var fetches = 0;
        var answer = new TaskCompletionSource<string>();
        Task<string> Fetch() { Interlocked.Increment(ref fetches); return answer.Task; }

        var readers = Enumerable.Range(0, 10).Select(_ => reads.Read("host/a/since-5", Fetch, _ => true)).ToList();
        var other = reads.Read("host/a/since-9", () => Task.FromResult("other page"), _ => true);
        answer.SetResult("page");

        Assert.All(await Task.WhenAll(readers), page => Assert.Equal("page", page));
        Assert.Equal("other page", await other);
        Assert.Equal(1, fetches);
        Assert.Equal("page", await reads.Read("host/a/since-5", Fetch, _ => true)); // kept for late readers
        Assert.Equal(1, fetches);
    }

    [Fact]
    public async Task A_kept_page_is_dropped_after_its_reuse_window()
    {
        var reads = new SharedPageReads<string>(); // the 50 ms followers get
        var fetches = 0;
        Task<string> Fetch() { Interlocked.Increment(ref fetches); return Task.FromResult("page"); }

        Assert.Equal("page", await reads.Read("k", Fetch, _ => true));
        await Polling.Until(() => reads.Count == 0, Gone, "the kept page to be dropped");
        Assert.Equal("page", await reads.Read("k", Fetch, _ => true));
        Assert.Equal(2, fetches);
    }

    [Fact]
    public async Task A_page_not_worth_keeping_and_a_failed_fetch_are_not_handed_to_later_readers()
    {
        var reads = new SharedPageReads<string>(KeptThroughTheTest);
        var fetches = 0;
        Task<string> Empty() { Interlocked.Increment(ref fetches); return Task.FromResult(""); }

        // With a reuse window of minutes, being gone at all means it was never kept.
        Assert.Equal("", await reads.Read("k", Empty, page => page.Length > 0));
        await Polling.Until(() => reads.Count == 0, Gone, "the empty page to be dropped");
        Assert.Equal("", await reads.Read("k", Empty, page => page.Length > 0));
        Assert.Equal(2, fetches);

        await Assert.ThrowsAsync<TimeoutException>(() => reads.Read("bad", () => Task.FromException<string>(new TimeoutException()), _ => true));
        await Polling.Until(() => reads.Count == 0, Gone, "the failed read to be dropped");
        Assert.Equal("fine", await reads.Read("bad", () => Task.FromResult("fine"), _ => true));
    }
}
