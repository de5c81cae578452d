namespace BlueZero.Bench;

/// <summary>
/// What the run did besides measuring: clean-up steps and anything odd it noticed. Each note is logged at once
/// and listed at the end of the results.
/// </summary>
internal sealed class RunNotes
{
    private readonly List<string> _notes = new();

    public IReadOnlyList<string> All
    {
        get
        {
            lock (_notes) return _notes.ToList();
        }
    }

    public void Add(string note)
    {
        Log.Info(note);
        lock (_notes) _notes.Add(note);
    }
}
