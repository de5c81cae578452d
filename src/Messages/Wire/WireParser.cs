using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using BlueZero.Messages.Protocol;

namespace BlueZero.Messages.Wire;

/// <summary>
/// The one parser of the wire protocol: any byte string in, a typed <see cref="HubRequest"/> or a clear error out.
/// It parses the body's bytes (System.Text.Json's own duplicate-key check included), so the request is never decoded to
/// a string first.
/// It never throws to its caller; field names in errors use the dotted wire path (start_process.args[2]).
/// It reads with System.Text.Json, which is strict RFC 8259 (Newtonsoft's reader accepts octal numbers such as
/// 010, single quotes, unquoted names and trailing commas, which a protocol must refuse).
/// </summary>
public static partial class WireParser
{
    public const int MaxDepth = 32;
    public const int MaxNameLength = 256;
    public const double MaxSeconds = 31_536_000; // one year: keeps every timer well inside the scheduler's range
    private const int MaxDetailLength = 200;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Strict RFC 8259, and a key twice in one object, at any level, is an error (malformed JSON: duplicate key).</summary>
    private static readonly JsonDocumentOptions Strict = new()
    {
        MaxDepth = MaxDepth, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, AllowDuplicateProperties = false,
    };

    /// <summary>The body as it arrived: parsed from its bytes, never decoded to a string first.</summary>
    /// <param name="limits">Size limits for start_process; null means <see cref="WireLimits.Default"/>.</param>
    public static ParseResult Parse(ReadOnlyMemory<byte> body, WireLimits? limits = null)
    {
        if (!Utf8.IsValid(body.Span))
            return ParseResult.Fail(ErrorTexts.InvalidUtf8);
        var bomBytes = 0; // a byte-order mark is noise, not content; error offsets still count from the body's first byte
        while (body.Span[bomBytes..].StartsWith(ByteOrderMark)) bomBytes += ByteOrderMark.Length;
        var content = body[bomBytes..];
        try
        {
            if (IsBlank(content.Span))
                return ParseResult.Fail(ErrorTexts.EmptyRequest);
            using var document = JsonDocument.Parse(content, Strict);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? ParseObject(document.RootElement, limits ?? WireLimits.Default)
                : ParseResult.Fail(ErrorTexts.NotAnObject);
        }
        catch (JsonException ex) when (JsonSyntaxError.IsDuplicateKey(ex))
        {
            return ParseResult.Fail(ErrorTexts.DuplicateKey(Shorten(FirstDuplicateKey(content))));
        }
        catch (JsonException ex)
        {
            return ParseResult.Fail(JsonSyntaxError.Describe(ex, content.Span, bomBytes));
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("UTF-16", StringComparison.Ordinal))
        {
            return ParseResult.Fail(JsonSyntaxError.UnpairedSurrogate(content.Span, bomBytes));
        }
        catch (Exception)
        {
            // Defence in depth: a parser bug must still produce an answer, never a crash.
            return ParseResult.Fail(ErrorTexts.MalformedJson(ErrorTexts.JsonSyntaxError));
        }
    }

    /// <summary>Text handed in as a string (tests, tools): its UTF-8 bytes are parsed; a lone surrogate has no UTF-8 form.</summary>
    /// <param name="limits">Size limits for start_process; null means <see cref="WireLimits.Default"/>.</param>
    public static ParseResult Parse(string text, WireLimits? limits = null)
    {
        byte[] body;
        try
        {
            body = StrictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException)
        {
            return ParseResult.Fail(ErrorTexts.InvalidUtf8);
        }
        return Parse(body, limits);
    }

    /// <summary>
    /// Names the key the reader refused as a duplicate (it cuts long keys short in its message): the document is read
    /// again with duplicates allowed, and each object's keys are checked before the objects inside it, so that the
    /// outermost duplicate is named. Only a refused request pays for this.
    /// </summary>
    private static string FirstDuplicateKey(ReadOnlyMemory<byte> content)
    {
        using var document = JsonDocument.Parse(content, Strict with { AllowDuplicateProperties = true });
        return FirstDuplicateKey(document.RootElement) ?? "";
    }

    private static string? FirstDuplicateKey(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
                if (!seen.Add(property.Name))
                    return property.Name;
            return element.EnumerateObject().Select(p => FirstDuplicateKey(p.Value)).FirstOrDefault(key => key is not null);
        }
        return element.ValueKind == JsonValueKind.Array
            ? element.EnumerateArray().Select(FirstDuplicateKey).FirstOrDefault(key => key is not null)
            : null;
    }

    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>Nothing but whitespace, Unicode's included (a body of no-break spaces is empty, not malformed).</summary>
    private static bool IsBlank(ReadOnlySpan<byte> content)
    {
        while (!content.IsEmpty)
        {
            Rune.DecodeFromUtf8(content, out var rune, out var length);
            if (!Rune.IsWhiteSpace(rune)) return false;
            content = content[length..];
        }
        return true;
    }

    private static string Shorten(string detail) => detail.Length <= MaxDetailLength ? detail : detail[..MaxDetailLength] + "...";

    private static ParseResult ParseObject(JsonElement root, WireLimits limits)
    {
        string? hostName = null;
        var operations = new List<JsonProperty>();
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name == WireOperations.HostName)
            {
                if (property.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(property.Value.GetString()))
                    return ParseResult.Fail(ErrorTexts.WrongType(WireOperations.HostName, "a non-empty string"));
                hostName = property.Value.GetString();
            }
            else if (WireOperations.All.Contains(property.Name))
            {
                operations.Add(property);
            }
            else
            {
                return ParseResult.Fail(ErrorTexts.UnknownOperation(Shorten(property.Name), ClosestName.Find(property.Name, [.. WireOperations.All, WireOperations.HostName])));
            }
        }

        if (operations.Count == 0)
            return ParseResult.Fail(ErrorTexts.MissingOperation());
        if (operations.Count > 1)
            return ParseResult.Fail(ErrorTexts.MoreThanOneOperation(operations.Select(p => p.Name)));

        var operation = operations[0];
        if (operation.Value.ValueKind != JsonValueKind.Object)
            return ParseResult.Fail(ErrorTexts.WrongType(operation.Name, "an object"), operation.Name);

        var fields = new FieldReader(operation.Name, operation.Value, limits);
        var allHosts = false;
        IClientCommand? command = operation.Name switch
        {
            WireOperations.StartProcess => ParseStart(fields),
            WireOperations.StopProcess => ParseStop(fields),
            WireOperations.RestartProcess => fields.NoUnknownFields("pid", "name") && fields.Target(out var restartTarget) ? new RestartProcess(restartTarget!) : null,
            WireOperations.QueryProcessStatus => ParseQuery(fields),
            WireOperations.ListActiveProcesses => fields.NoUnknownFields() ? new ListActiveProcesses() : null,
            WireOperations.ListProcesses => fields.NoUnknownFields() ? new ListProcesses() : null,
            WireOperations.Unschedule => fields.NoUnknownFields("pid", "name") && fields.Target(out var target) ? new Unschedule(target!) : null,
            WireOperations.KillAll => ParseKillAll(fields, out allHosts),
            WireOperations.ReadOutput => ParseReadOutput(fields),
            WireOperations.ProcessStats => fields.NoUnknownFields("pid", "name") && fields.Target(out var statsTarget) ? new ProcessStatsQuery(statsTarget!) : null,
            WireOperations.NodeState => fields.NoUnknownFields() ? new NodeStateQuery() : null,
            WireOperations.HostInfo => fields.NoUnknownFields() ? new HostInfoQuery() : null,
            WireOperations.ForgetHost => ParseForgetHost(fields, hostName),
            WireOperations.Events => ParseEvents(fields, hostName),
            WireOperations.ApplyPlan => ParseApplyPlan(fields, hostName),
            WireOperations.PlanStatus => ParsePlanName(fields, hostName, name => new PlanStatusQuery(name)),
            WireOperations.RemovePlan => ParsePlanName(fields, hostName, name => new RemovePlan(name)),
            WireOperations.ListPlans => hostName is null
                ? fields.NoUnknownFields() ? new ListPlans() : null
                : fields.FailWith<ListPlans>(ErrorTexts.PlanTakesNoHostName(WireOperations.ListPlans)),
            _ => null,
        };
        return command is null
            ? ParseResult.Fail(fields.Error!, operation.Name)
            : ParseResult.Ok(new HubRequest(operation.Name, hostName, command, allHosts));
    }

    /// <summary>The hub answers forget_host itself, so its host_name is an argument inside the object, not a route.</summary>
    private static ForgetHost? ParseForgetHost(FieldReader fields, string? topLevelHostName)
    {
        if (topLevelHostName is not null) return fields.FailWith<ForgetHost>(ErrorTexts.HostNameInside(WireOperations.ForgetHost));
        if (!fields.NoUnknownFields(WireOperations.HostName) || !fields.RequiredHostName(out var hostName)) return null;
        return new ForgetHost(hostName!);
    }

    /// <summary>The hub answers events from its own store: a filter over every host, so no host_name.</summary>
    private static EventQuery? ParseEvents(FieldReader fields, string? topLevelHostName)
    {
        if (topLevelHostName is not null) return fields.FailWith<EventQuery>(ErrorTexts.NoHostName(WireOperations.Events));
        if (!fields.NoUnknownFields([.. EventFilters.All])) return null;
        if (!fields.OptionalLong(EventFilters.SinceSeq, 0, long.MaxValue, "0 or more", out var since)) return null;
        if (!fields.OptionalStringArray(EventFilters.Host, out var hosts)) return null;
        if (!fields.OptionalStringArray(EventFilters.Name, out var names)) return null;
        if (!fields.OptionalStringArray(EventFilters.Type, out var typeNames)) return null;
        var types = new List<MeshEventType>();
        for (var i = 0; i < (typeNames?.Count ?? 0); i++)
        {
            if (EventFilters.TryType(typeNames![i], out var type) is { } why)
                return fields.FailWith<EventQuery>(ErrorTexts.InvalidValue(fields.PathOf($"{EventFilters.Type}[{i}]"), why));
            types.Add(type);
        }
        if (!fields.OptionalInt(EventFilters.Pid, 1, int.MaxValue, "a positive integer", out var pid)) return null;
        if (!fields.OptionalTime(EventFilters.From, out var from) || !fields.OptionalTime(EventFilters.To, out var to)) return null;
        if (!fields.OptionalInt(EventFilters.Limit, 1, EventQuery.MaxLimit, EventFilters.LimitRange, out var limit)) return null;
        if (!fields.OptionalChoice(EventFilters.Order, EventFilters.Orders, out var order)) return null;
        return new EventQuery(since ?? 0, hosts ?? [], types, names ?? [], pid, from, to, limit ?? EventQuery.DefaultLimit,
            order == EventFilters.DescendingOrder);
    }

    private static readonly string[] StartFields = ["path", "args", "env", "cwd", "name", "restart", "max_time", "recurring_period", "output", "stdin"];

    /// <param name="moreFields">Fields the caller reads itself (a plan step's host, depends_on and ready).</param>
    private static StartProcess? ParseStart(FieldReader fields, params string[] moreFields)
    {
        if (!fields.NoUnknownFields([.. StartFields, .. moreFields])) return null;
        if (!fields.RequiredAbsolutePath("path", out var path)) return null;
        if (!fields.OptionalStringArray("args", out var args)) return null;
        if (!fields.OptionalStringMap("env", out var env)) return null;
        if (!fields.OptionalAbsolutePath("cwd", out var cwd)) return null;
        if (!fields.OptionalName("name", out var name)) return null;
        if (!fields.OptionalSeconds("max_time", out var maxTime)) return null;
        if (!fields.OptionalSeconds("recurring_period", out var period)) return null;
        if (!fields.OptionalObject("restart", out var restartFields)) return null;
        RestartPolicy? restart = null;
        if (restartFields is not null && (restart = ParseRestart(restartFields)) is null)
            return fields.FailWith(restartFields.Error!);
        if (period is not null && restart is not null && restart.Policy != RestartPolicyKind.Never)
            return fields.FailWith(ErrorTexts.RecurringWithRestart);
        if (!fields.OptionalChoice("output", WireNames.OutputModes, out var output)) return null;
        if (!fields.OptionalText("stdin", out var stdin)) return null;
        return new StartProcess(path!, args ?? [], env, cwd, name, restart, maxTime, period, output, stdin);
    }

    private static ReadOutput? ParseReadOutput(FieldReader fields)
    {
        if (!fields.NoUnknownFields("pid", "name", "stream", "tail", "since_seq")) return null;
        if (!fields.Target(out var target)) return null;
        if (!fields.OptionalChoice("stream", OutputStreams.All, out var stream)) return null;
        if (!fields.OptionalInt("tail", 0, int.MaxValue, "0 or more lines", out var tail)) return null;
        if (!fields.OptionalLong("since_seq", 0, long.MaxValue, "0 or more", out var since)) return null;
        return new ReadOutput(target!, stream ?? OutputStreams.Both, tail, since);
    }

    private static KillAll? ParseKillAll(FieldReader fields, out bool allHosts)
    {
        allHosts = false;
        if (!fields.NoUnknownFields("all_hosts") || !fields.OptionalBool("all_hosts", out var all)) return null;
        allHosts = all ?? false;
        return new KillAll();
    }

    private static RestartPolicy? ParseRestart(FieldReader fields)
    {
        if (!fields.NoUnknownFields("policy", "max_restarts", "backoff", "reset_after_s", "success_exit_codes")) return null;
        if (!fields.RequiredChoice("policy", WireNames.RestartPolicies, out var policy)) return null;
        if (!fields.OptionalInt("max_restarts", -1, int.MaxValue, "-1 (forever) or a count of 0 or more", out var maxRestarts)) return null;
        if (!fields.OptionalSeconds("reset_after_s", out var resetAfter)) return null;
        if (!fields.OptionalIntArray("success_exit_codes", 0, 255, out var successCodes)) return null;
        if (!fields.OptionalObject("backoff", out var backoffFields)) return null;
        var backoff = BackoffSettings.Default;
        if (backoffFields is not null && (backoff = ParseBackoff(backoffFields)) is null)
            return fields.FailWith<RestartPolicy>(backoffFields.Error!);
        return new RestartPolicy(policy, maxRestarts ?? -1, backoff, resetAfter ?? 60, successCodes ?? [0]);
    }

    private static BackoffSettings? ParseBackoff(FieldReader fields)
    {
        if (!fields.NoUnknownFields("initial_ms", "max_ms", "multiplier", "jitter")) return null;
        var defaults = BackoffSettings.Default;
        if (!fields.OptionalInt("initial_ms", 1, 86_400_000, "1 to 86400000", out var initial)) return null;
        if (!fields.OptionalInt("max_ms", 1, 86_400_000, "1 to 86400000", out var max)) return null;
        if (!fields.OptionalNumber("multiplier", 1.0, 100.0, out var multiplier)) return null;
        if (!fields.OptionalNumber("jitter", 0.0, 1.0, out var jitter)) return null;
        var settings = new BackoffSettings(initial ?? defaults.InitialMs, max ?? Math.Max(defaults.MaxMs, initial ?? 0),
            multiplier ?? defaults.Multiplier, jitter ?? defaults.Jitter);
        return settings.MaxMs < settings.InitialMs
            ? fields.FailWith<BackoffSettings>(ErrorTexts.OutOfRange(fields.PathOf("max_ms"), "at least initial_ms"))
            : settings;
    }

    private static StopProcess? ParseStop(FieldReader fields)
    {
        if (!fields.NoUnknownFields("pid", "name", "wait")) return null;
        if (!fields.Target(out var target)) return null;
        if (!fields.OptionalBool("wait", out var wait)) return null;
        return new StopProcess(target!, wait ?? false);
    }

    private static QueryProcessStatus? ParseQuery(FieldReader fields)
    {
        if (!fields.NoUnknownFields("pid", "name")) return null;
        return fields.Target(out var target) ? new QueryProcessStatus(target!) : null;
    }

    /// <summary>Reads typed fields of one operation body, remembering the first error. A JSON null counts as absent.</summary>
    private sealed class FieldReader(string operation, JsonElement body, WireLimits limits)
    {
        public string? Error { get; private set; }
        public WireLimits Limits => limits;

        private string Path(string field) => $"{operation}.{field}";
        public string PathOf(string field) => Path(field);

        private bool Fail(string error)
        {
            Error = error;
            return false;
        }

        /// <summary>Records an error found by the caller; returns null so parse methods can return it directly.</summary>
        public StartProcess? FailWith(string error) => FailWith<StartProcess>(error);

        public T? FailWith<T>(string error) where T : class
        {
            Error = error;
            return null;
        }

        public bool OptionalObject(string field, out FieldReader? nested)
        {
            nested = null;
            var token = Present(field);
            if (token is null) return true;
            if (token.Value.ValueKind != JsonValueKind.Object) return Fail(ErrorTexts.WrongType(Path(field), "an object"));
            nested = new FieldReader(Path(field), token.Value, limits);
            return true;
        }

        public bool RequiredChoice(string field, IReadOnlyList<string> choices, out string? value)
        {
            value = null;
            var token = Present(field);
            if (token is null) return Fail(ErrorTexts.MissingField(Path(field)));
            if (!CleanString(Path(field), token.Value, out value)) return false;
            return choices.Contains(value) || Fail(ErrorTexts.OutOfRange(Path(field), "one of " + string.Join(", ", choices)));
        }

        public bool OptionalInt(string field, long min, long max, string range, out int? value)
        {
            value = null;
            if (!OptionalLong(field, min, max, range, out var number)) return false;
            value = (int?)number;
            return true;
        }

        public bool OptionalLong(string field, long min, long max, string range, out long? value)
        {
            value = null;
            var token = Present(field);
            if (token is null) return true;
            if (token.Value.ValueKind != JsonValueKind.Number || !token.Value.TryGetInt64(out var number))
                return Fail(ErrorTexts.WrongType(Path(field), "an integer"));
            if (number < min || number > max) return Fail(ErrorTexts.OutOfRange(Path(field), range));
            value = number;
            return true;
        }

        public bool RequiredHostName(out string? hostName)
        {
            hostName = null;
            var token = Present(WireOperations.HostName);
            if (token is null) return Fail(ErrorTexts.MissingField(Path(WireOperations.HostName)));
            if (token.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(token.Value.GetString()))
                return Fail(ErrorTexts.WrongType(Path(WireOperations.HostName), "a non-empty string"));
            hostName = token.Value.GetString();
            return true;
        }

        public bool OptionalChoice(string field, IReadOnlyList<string> choices, out string? value)
        {
            value = null;
            return Present(field) is null || RequiredChoice(field, choices, out value);
        }

        /// <summary>One of an enum's wire strings, as its value.</summary>
        public bool RequiredChoice<T>(string field, WireNames<T> choices, out T value) where T : struct, Enum
        {
            value = default;
            return RequiredChoice(field, choices.All, out var text) && choices.TryParse(text, out value);
        }

        public bool OptionalChoice<T>(string field, WireNames<T> choices, out T? value) where T : struct, Enum
        {
            value = null;
            if (Present(field) is null) return true;
            if (!RequiredChoice(field, choices, out T chosen)) return false;
            value = chosen;
            return true;
        }

        /// <summary>Any string (control characters and newlines allowed), at most <see cref="WireLimits.MaxStdinBytes"/> in UTF-8.</summary>
        public bool OptionalText(string field, out string? value)
        {
            value = null;
            var token = Present(field);
            if (token is null) return true;
            if (token.Value.ValueKind != JsonValueKind.String) return Fail(ErrorTexts.WrongType(Path(field), "a string"));
            value = token.Value.GetString()!;
            var bytes = Encoding.UTF8.GetByteCount(value);
            return bytes <= limits.MaxStdinBytes || Fail(ErrorTexts.TooLong(Path(field), bytes, limits.MaxStdinBytes));
        }

        /// <summary>An ISO 8601 time string (<see cref="EventFilters.TryTime"/>).</summary>
        public bool OptionalTime(string field, out DateTimeOffset? time)
        {
            time = null;
            var token = Present(field);
            if (token is null) return true;
            if (token.Value.ValueKind != JsonValueKind.String) return Fail(ErrorTexts.WrongType(Path(field), "a string"));
            if (EventFilters.TryTime(token.Value.GetString()!, out var parsed) is { } why) return Fail(ErrorTexts.InvalidValue(Path(field), why));
            time = parsed;
            return true;
        }

        public bool OptionalNumber(string field, double min, double max, out double? value)
        {
            value = null;
            var token = Present(field);
            if (token is null) return true;
            if (token.Value.ValueKind != JsonValueKind.Number || !token.Value.TryGetDouble(out var number) || !double.IsFinite(number))
                return Fail(ErrorTexts.WrongType(Path(field), "a number"));
            if (number < min || number > max) return Fail(ErrorTexts.OutOfRange(Path(field), $"from {min} to {max}"));
            value = number;
            return true;
        }

        public bool OptionalSeconds(string field, out double? seconds)
        {
            seconds = null;
            if (!OptionalNumber(field, 0, MaxSeconds, out var value)) return false;
            if (value is <= 0) return Fail(ErrorTexts.OutOfRange(Path(field), $"more than 0 and at most {MaxSeconds} seconds"));
            seconds = value;
            return true;
        }

        public bool OptionalIntArray(string field, int min, int max, out IReadOnlyList<int>? values)
        {
            values = null;
            var token = Present(field);
            if (token is null) return true;
            if (token.Value.ValueKind != JsonValueKind.Array) return Fail(ErrorTexts.WrongType(Path(field), "an array of integers"));
            var list = new List<int>();
            var i = 0;
            foreach (var item in token.Value.EnumerateArray())
            {
                var itemPath = $"{Path(field)}[{i++}]";
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var number))
                    return Fail(ErrorTexts.WrongType(itemPath, "an integer"));
                if (number < min || number > max) return Fail(ErrorTexts.OutOfRange(itemPath, $"{min} to {max}"));
                list.Add(number);
            }
            values = list;
            return true;
        }

        public bool NoUnknownFields(params string[] known)
        {
            foreach (var property in body.EnumerateObject())
                if (!known.Contains(property.Name))
                    return Fail(ErrorTexts.UnknownField(Path(Shorten(property.Name))));
            return true;
        }

        /// <summary>The field's value when it is present (not null), whatever its kind.</summary>
        public JsonElement? Element(string field) => Present(field);

        private JsonElement? Present(string field) =>
            body.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

        private bool CleanString(string field, JsonElement token, out string? value)
        {
            value = null;
            if (token.ValueKind != JsonValueKind.String)
                return Fail(ErrorTexts.WrongType(field, "a string"));
            value = token.GetString()!;
            if (value.Contains('\0'))
                return Fail(ErrorTexts.InvalidValue(field, "contains a NUL character"));
            return true;
        }

        public bool RequiredAbsolutePath(string field, out string? path)
        {
            path = null;
            var token = Present(field);
            if (token is null) return Fail(ErrorTexts.MissingField(Path(field)));
            return AbsolutePath(field, token.Value, out path);
        }

        public bool OptionalAbsolutePath(string field, out string? path)
        {
            path = null;
            var token = Present(field);
            return token is null || AbsolutePath(field, token.Value, out path);
        }

        private bool AbsolutePath(string field, JsonElement token, out string? path)
        {
            if (!CleanString(Path(field), token, out path)) return false;
            if (path!.Length == 0) return Fail(ErrorTexts.InvalidValue(Path(field), "must not be empty"));
            if (!path.StartsWith('/')) return Fail(ErrorTexts.PathNotAbsolute(Path(field), Shorten(path)));
            var bytes = Encoding.UTF8.GetByteCount(path);
            if (bytes > limits.MaxPathBytes) return Fail(ErrorTexts.TooLong(Path(field), bytes, limits.MaxPathBytes));
            return true;
        }

        public bool OptionalStringArray(string field, out IReadOnlyList<string>? values)
        {
            values = null;
            var token = Present(field);
            if (token is null) return true;
            if (token.Value.ValueKind != JsonValueKind.Array) return Fail(ErrorTexts.WrongType(Path(field), "an array of strings"));
            var list = new List<string>(token.Value.GetArrayLength());
            var i = 0;
            long bytes = 0;
            foreach (var item in token.Value.EnumerateArray())
            {
                if (!CleanString($"{Path(field)}[{i++}]", item, out var text)) return false;
                bytes += Encoding.UTF8.GetByteCount(text!);
                list.Add(text!);
            }
            if (bytes > limits.MaxArgsBytes) return Fail(ErrorTexts.TooManyBytes(Path(field), bytes, limits.MaxArgsBytes));
            values = list;
            return true;
        }

        public bool OptionalStringMap(string field, out IReadOnlyDictionary<string, string>? map)
        {
            map = null;
            var token = Present(field);
            if (token is null) return true;
            if (token.Value.ValueKind != JsonValueKind.Object) return Fail(ErrorTexts.WrongType(Path(field), "an object of strings"));
            var entries = token.Value.EnumerateObject().Count();
            if (entries > limits.MaxEnvEntries) return Fail(ErrorTexts.TooManyEntries(Path(field), entries, limits.MaxEnvEntries));
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            long bytes = 0;
            foreach (var property in token.Value.EnumerateObject())
            {
                var entry = $"{Path(field)}.{Shorten(property.Name)}";
                if (property.Name.Length == 0 || property.Name.Contains('=') || property.Name.Contains('\0'))
                    return Fail(ErrorTexts.InvalidValue(entry, "a variable name must be non-empty and contain neither '=' nor NUL"));
                if (!CleanString(entry, property.Value, out var value)) return false;
                bytes += Encoding.UTF8.GetByteCount(property.Name) + 1 + Encoding.UTF8.GetByteCount(value!); // NAME=VALUE
                result[property.Name] = value!;
            }
            if (bytes > limits.MaxEnvBytes) return Fail(ErrorTexts.TooManyBytes(Path(field), bytes, limits.MaxEnvBytes));
            map = result;
            return true;
        }

        public bool OptionalName(string field, out string? name)
        {
            name = null;
            var token = Present(field);
            if (token is null) return true;
            if (!CleanString(Path(field), token.Value, out name)) return false;
            if (name!.Length == 0 || name.Length > MaxNameLength)
                return Fail(ErrorTexts.InvalidValue(Path(field), $"must be 1 to {MaxNameLength} characters"));
            if (name.Any(char.IsControl))
                return Fail(ErrorTexts.InvalidValue(Path(field), "must not contain control characters"));
            return true;
        }

        public bool OptionalBool(string field, out bool? value)
        {
            value = null;
            var token = Present(field);
            if (token is null) return true;
            if (token.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                return Fail(ErrorTexts.WrongType(Path(field), "true or false"));
            value = token.Value.GetBoolean();
            return true;
        }

        public bool Target(out ProcessTarget? target)
        {
            target = null;
            var pidToken = Present("pid");
            var nameToken = Present("name");
            if ((pidToken is null) == (nameToken is null))
                return Fail(ErrorTexts.PidOrName(operation));
            if (pidToken is { } pidValue)
            {
                if (pidValue.ValueKind != JsonValueKind.Number || !pidValue.TryGetInt64(out var pid) || pid <= 0 || pid > int.MaxValue)
                    return Fail(ErrorTexts.WrongType(Path("pid"), "a positive integer"));
                target = ProcessTarget.ByPid((int)pid);
                return true;
            }
            if (!OptionalName("name", out var name)) return false;
            target = ProcessTarget.ByName(name!);
            return true;
        }
    }
}
