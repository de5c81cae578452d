using System.Collections.Concurrent;

namespace BlueZero.Hub.Http;

/// <summary>
/// Lets followers of the same output share one fetch from the node, and its rendering. Followers at the same point of the same stream
/// ask the node the same question; the first asks and the rest wait on its answer, and a fetched page is reused for a
/// short while. Ten followers of one chatty process then cost the node and the mesh one follower's reads, not ten.
/// A reused page is never wrong, only possibly a few lines short: the follower asks again from where it ends.
/// </summary>
public sealed class SharedPageReads<TPage>
{
    /// <summary>Short enough that a lone follower never meets its own page again (it waits longer between reads).</summary>
    public static readonly TimeSpan DefaultReuse = TimeSpan.FromMilliseconds(50);

    private readonly TimeSpan _reuse;
    private readonly ConcurrentDictionary<object, Task<TPage>> _reads = new();

    /// <param name="reuse">How long a page worth keeping is handed to later readers; <see cref="DefaultReuse"/> if null.</param>
    public SharedPageReads(TimeSpan? reuse = null) => _reuse = reuse ?? DefaultReuse;

    /// <param name="key">Equal for requests with the same answer (a record of host and request).</param>
    /// <param name="fetch">Asks the node; called once per key at a time.</param>
    /// <param name="worthKeeping">Whether a page may be handed to later followers (an empty or failed one is not).</param>
    public Task<TPage> Read(object key, Func<Task<TPage>> fetch, Func<TPage, bool> worthKeeping)
    {
        if (_reads.TryGetValue(key, out var shared)) return shared;
        var mine = new TaskCompletionSource<TPage>(TaskCreationOptions.RunContinuationsAsynchronously);
        shared = _reads.GetOrAdd(key, mine.Task);
        if (shared != mine.Task) return shared;
        _ = Complete(key, mine, fetch, worthKeeping);
        return mine.Task;
    }

    /// <summary>Number of reads in flight or kept; a test checks that nothing stays behind.</summary>
    public int Count => _reads.Count;

    private async Task Complete(object key, TaskCompletionSource<TPage> read, Func<Task<TPage>> fetch, Func<TPage, bool> worthKeeping)
    {
        var entry = new KeyValuePair<object, Task<TPage>>(key, read.Task);
        try
        {
            var outcome = await fetch();
            read.SetResult(outcome);
            if (worthKeeping(outcome)) await Task.Delay(_reuse);
        }
        catch (Exception ex)
        {
            read.TrySetException(ex);
        }
        finally
        {
            _reads.TryRemove(entry);
        }
    }
}
