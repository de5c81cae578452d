using BlueZero.Hub.Http;
using Xunit;

namespace BlueZero.Tests.Unit;

/// <summary>Followers at the same point of the same output share one fetch; nothing stays behind.</summary>
public sealed class SharedPageReadsTests
{
    private static readonly TimeSpan Gone = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Readers_of_the_same_key_share_one_fetch_and_the_entry_is_dropped_afterwards()
    {
        var reads = new SharedPageReads<string>();
        var fetches = 0;
        var answer = new TaskCompletionSource<string>();
        Task<string> Fetch() { Interlocked.Increment(ref fetches); return answer.Task; }

        var readers = Enumerable.Range(0, 10).Select(_ => reads.Read("host/a/since-5", Fetch, _ => true)).ToList();
        var other = reads.Read("host/a/since-9", () => Task.FromResult("other page"), _ => true);
        answer.SetResult("page");

        Assert.All(await Task.WhenAll(readers), page => Assert.Equal("page", page));
        Assert.Equal("other page", await other);
        Assert.Equal(1, fetches);
        Assert.Equal("page", await reads.Read("host/a/since-5", Fetch, _ => true)); // kept a moment for late readers
        Assert.Equal(1, fetches);
        await WaitUntil(() => reads.Count == 0);
        Assert.Equal("page", await reads.Read("host/a/since-5", Fetch, _ => true));
        Assert.Equal(2, fetches);
    }

    [Fact]
    public async Task A_page_not_worth_keeping_and_a_failed_fetch_are_not_handed_to_later_readers()
    {
        var reads = new SharedPageReads<string>();
        var fetches = 0;
        Task<string> Empty() { Interlocked.Increment(ref fetches); return Task.FromResult(""); }

        Assert.Equal("", await reads.Read("k", Empty, page => page.Length > 0));
        await WaitUntil(() => reads.Count == 0);
        Assert.Equal("", await reads.Read("k", Empty, page => page.Length > 0));
        Assert.Equal(2, fetches);

        await Assert.ThrowsAsync<TimeoutException>(() => reads.Read("bad", () => Task.FromException<string>(new TimeoutException()), _ => true));
        await WaitUntil(() => reads.Count == 0);
        Assert.Equal("fine", await reads.Read("bad", () => Task.FromResult("fine"), _ => true));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Gone;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the shared read was not dropped in time");
            await Task.Delay(10);
        }
    }
}
