using System.Globalization;
using BlueZero.Messages.Protocol;

namespace BlueZero.Messages.Wire;

/// <summary>
/// The filters of an event query, read from GET /events' query string (<see cref="FromParameters"/>) or, value by
/// value, from the "events" wire op (<see cref="WireParser"/>): one set of names and one set of rules for both. Each
/// check answers why a value is refused, and the caller names the parameter or field.
/// </summary>
public static class EventFilters
{
    public const string SinceSeq = "since_seq";
    public const string Host = "host";
    public const string Type = "type";
    public const string Name = "name";
    public const string Pid = "pid";
    public const string From = "from";
    public const string To = "to";
    public const string Limit = "limit";
    public const string Order = "order";
    public const string Ascending = "asc";
    public const string DescendingOrder = "desc";

    public static readonly IReadOnlyList<string> All = [SinceSeq, Host, Type, Name, Pid, From, To, Limit, Order];
    public static readonly IReadOnlyList<string> Orders = [Ascending, DescendingOrder];
    public static readonly string LimitRange = $"1 to {EventQuery.MaxLimit}";

    /// <summary>An event type's wire name, or why not (the valid names listed).</summary>
    public static string? TryType(string text, out MeshEventType type) =>
        WireNames.EventTypes.TryParse(text, out type) ? null : ErrorTexts.UnknownEventType(text, WireNames.EventTypes.All);

    /// <summary>An ISO 8601 time with an offset or Z, or why not.</summary>
    public static string? TryTime(string text, out DateTimeOffset time) =>
        text.Length >= 10 && char.IsAsciiDigit(text[0])
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time)
            ? null
            : Fail(out time, ErrorTexts.NotATime);

    /// <summary>
    /// GET /events?host=a&amp;host=b&amp;type=process_exited&amp;limit=50: each list parameter may repeat; the others
    /// may appear once. An unknown parameter is refused, like an unknown field of the wire op.
    /// </summary>
    /// <returns>The query, or null with <paramref name="error"/> naming the parameter.</returns>
    public static EventQuery? FromParameters(IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> parameters, out string? error)
    {
        var query = new EventQuery(Hosts: [], Types: [], Names: []);
        foreach (var (key, values) in parameters)
        {
            if (!All.Contains(key))
            {
                error = ErrorTexts.UnknownParameter(key, ClosestName.Find(key, All));
                return null;
            }
            var why = values.Any(value => value.Length == 0) ? ErrorTexts.MustNotBeEmpty
                : key is not (Host or Name or Type) && values.Count != 1 ? ErrorTexts.GivenMoreThanOnce
                : Read(key, values, ref query);
            if (why is not null)
            {
                error = ErrorTexts.InvalidParameter(key, why);
                return null;
            }
        }
        error = null;
        return query;
    }

    /// <summary>Sets one parameter's value on <paramref name="query"/>, or says why it cannot.</summary>
    private static string? Read(string key, IReadOnlyList<string> values, ref EventQuery query)
    {
        string? why = null;
        switch (key)
        {
            case Host:
                query = query with { Hosts = [.. query.Hosts!, .. values] };
                break;
            case Name:
                query = query with { Names = [.. query.Names!, .. values] };
                break;
            case Type:
                var types = new List<MeshEventType>(query.Types!);
                foreach (var value in values)
                {
                    if ((why = TryType(value, out var type)) is not null) return why;
                    types.Add(type);
                }
                query = query with { Types = types };
                break;
            case SinceSeq when (why = TryWhole(values[0], 0, long.MaxValue, "0 or more", out var since)) is null:
                query = query with { SinceSeq = since };
                break;
            case Pid when (why = TryWhole(values[0], 1, int.MaxValue, "a positive integer", out var pid)) is null:
                query = query with { Pid = (int)pid };
                break;
            case Limit when (why = TryWhole(values[0], 1, EventQuery.MaxLimit, LimitRange, out var limit)) is null:
                query = query with { Limit = (int)limit };
                break;
            case From when (why = TryTime(values[0], out var from)) is null:
                query = query with { From = from };
                break;
            case To when (why = TryTime(values[0], out var to)) is null:
                query = query with { To = to };
                break;
            case Order when (why = TryOrder(values[0], out var descending)) is null:
                query = query with { Descending = descending };
                break;
        }
        return why;
    }

    public static string? TryOrder(string text, out bool descending)
    {
        descending = text == DescendingOrder;
        return Orders.Contains(text) ? null : ErrorTexts.OneOf(Orders);
    }

    private static string? TryWhole(string text, long min, long max, string range, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max
            ? null
            : Fail(out value, ErrorTexts.MustBe(range));

    private static string Fail<T>(out T value, string why)
    {
        value = default!;
        return why;
    }
}
