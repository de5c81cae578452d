namespace BlueZero.Messages.Wire;

/// <summary>
/// Every user-facing error text in one place: scripts and clients match on these strings,
/// so change them only together with docs/PROTOCOL.md.
/// </summary>
public static class ErrorTexts
{
    // BlueZero's own texts, kept verbatim for compatibility.
    public const string NoSuchPid = "no such pid";
    public static string PidNotManaged(int pid, string hostName) => $"PID {pid} is not managed by this process manager ({hostName})";

    // Hub routing.
    public const string UnknownHost = "unknown host";
    /// <summary>Exactly <see cref="UnknownHost"/> unless a known host_name is close (BlueZero clients match the text).</summary>
    public static string UnknownHostNear(string? closest) => $"{UnknownHost}{DidYouMean(closest)}";
    public const string HostUnreachable = "host unreachable";
    public const string HostLeft = "host left";
    public const string HostIsUp = "host is up: forget_host drops only a host that is left, removed or unreachable";
    public const string Timeout = "timeout";

    // Parsing and validation.
    public const string EmptyRequest = "empty request: expected a JSON object such as {\"list_active_processes\":{}}";
    public const string InvalidUtf8 = "request is not valid UTF-8";
    public const string NotAnObject = "request must be a JSON object";
    public static string MalformedJson(string detail) => $"malformed JSON: {detail}";
    public static string DuplicateKey(string key) => MalformedJson($"duplicate key \"{key}\"");
    public static string MissingOperation() => $"missing operation: expected one of {string.Join(", ", WireOperations.All)}";
    public static string UnknownOperation(string key, string? closest) => $"unknown operation: {key}{DidYouMean(closest)}";

    /// <summary>The hint after an unknown name (see <see cref="ClosestName"/>): " (did you mean NAME?)", or nothing.</summary>
    public static string DidYouMean(string? closest) => closest is null ? "" : $" (did you mean {closest}?)";

    // JSON syntax, in JSON's terms (JsonSyntaxError): "malformed JSON: WHAT at byte N", N counted from 0.
    public static string MalformedJsonAt(string what, long offset) => MalformedJson($"{what} at byte {offset}");
    public const string JsonTrailingComma = "trailing comma";
    public const string JsonUnexpectedEnd = "unexpected end of input";
    public const string JsonUnterminatedString = "unterminated string";
    public static string JsonControlCharacter(string character) => $"unescaped control character {character} in a string";
    public const string JsonInvalidEscape = "invalid escape sequence in a string";
    public const string JsonComment = "comments are not allowed";
    public static string JsonExpectedPropertyName(string found) => $"expected a property name in double quotes, found {found},";
    public static string JsonExpectedColon(string found) => $"expected ':' after a property name, found {found},";
    public static string JsonExpectedComma(string found) => $"expected ',' or a closing bracket after a value, found {found},";
    public const string JsonTrailingContent = "unexpected content after the JSON value";
    public static string JsonUnmatched(string bracket) => $"unmatched {bracket}";
    public const string JsonInvalidLiteral = "invalid literal (only true, false and null are allowed)";
    public const string JsonInvalidNumber = "invalid number";
    public static string JsonUnexpectedCharacter(string character) => $"unexpected character {character}";
    public static string JsonTooDeep(int levels) => $"nested deeper than {levels} levels";
    public const string JsonEndOfInput = "the end of input";
    public const string JsonSyntaxError = "syntax error";
    public static string JsonUnpairedSurrogate(string escape) => $"unpaired surrogate {escape} in a string";
    public static string MoreThanOneOperation(IEnumerable<string> keys) => $"more than one operation: {string.Join(", ", keys)}";
    public static string MissingField(string field) => $"missing field: {field}";
    public static string WrongType(string field, string expected) => $"wrong type for field {field}: expected {expected}";
    public static string InvalidValue(string field, string why) => $"invalid value for field {field}: {why}";
    public static string UnknownField(string field) => $"unknown field: {field}";
    public static string PidOrName(string operation) => $"{operation} needs exactly one of pid or name";
    public const string MissingHostName = "missing field: host_name";
    public static string HostNameInside(string operation) => $"{operation} takes host_name inside its object: {{\"{operation}\":{{\"host_name\":\"H\"}}}}";
    public const string KillAllNeedsConsent = "kill_all without host_name needs \"all_hosts\": true";
    public static string OutOfRange(string field, string range) => $"invalid value for field {field}: must be {range}";
    public const string RecurringWithRestart = "recurring_period cannot be combined with a restart policy other than never";
    public static string NotRecurring(string target) => $"{target} is not a recurring job";
    public static string BodyTooLarge(long limit) => $"request body too large: the limit is {limit} bytes";
    public const string BodyTooSlow = "request body arrived too slowly";
    public const string InternalError = "internal error: the hub could not handle this request";
    public static string NotFound(string path) => $"not found: {path}; try POST /control, GET /hosts or GET /health";
    public static string MethodNotAllowed(string method, string path) => $"method not allowed: {method} {path}";

    // Event queries (GET /events, GET /events/stream, the events op): "why" texts, named by parameter or field.
    public static string NoHostName(string operation) => $"{operation} takes no host_name: it reads the history of every host (filter with \"host\")";
    public static string UnknownParameter(string name, string? closest) => $"unknown parameter: {name}{DidYouMean(closest)}";
    public static string InvalidParameter(string name, string why) => $"invalid value for parameter {name}: {why}";
    public static string UnknownEventType(string type, IEnumerable<string> valid) => $"unknown event type \"{type}\"; valid types: {string.Join(", ", valid)}";
    public const string NotATime = "must be an ISO 8601 time such as 2026-12-06T03:00:00Z";
    public static string MustBe(string range) => $"must be {range}";
    public static string OneOf(IEnumerable<string> choices) => $"must be one of {string.Join(", ", choices)}";
    public const string MustNotBeEmpty = "must not be empty";
    public const string GivenMoreThanOnce = "given more than once";
    public const string SlowSubscriber = "cut off: this subscriber fell too far behind (its buffer of live events is full); reconnect with Last-Event-ID";

    // Node-side failures.
    public static string PathNotAbsolute(string field, string path) => $"path must be absolute: {field} is \"{path}\"";
    public static string NoSuchFile(string path) => $"no such file: {path}";
    public static string PermissionDenied(string path) => $"permission denied: {path}";
    public static string IsADirectory(string path) => $"is a directory: {path}";
    public static string NoSuchDirectory(string path) => $"no such directory: {path}";
    public static string NameInUse(string name) => $"name already in use: {name}";
    public static string NoSuchName(string name) => $"no such name: {name}";
    public static string SpawnFailed(string path, string reason) => $"cannot start {path}: {reason}";
    public static string CannotWatch(string path, string reason) =>
        $"cannot start {path}: the node cannot watch another process ({reason}); raise its open-file limit (ulimit -n)";
    public static string CannotCapture(string path, string reason) =>
        $"cannot start {path}: the node cannot open pipes for its output ({reason}); raise its open-file limit (ulimit -n) or start it with \"output\": \"discard\"";
    public const string ShuttingDown = "node is shutting down";
    public static string OutputNotCaptured(string target, string mode) => $"output of {target} is not captured (output: {mode})";

    // Size limits (WireLimits, ProcessManagerOptions.MaxProcesses).
    public static string TooManyBytes(string field, long bytes, long limit) => $"invalid value for field {field}: {bytes} bytes in total; the limit is {limit}";
    public static string TooManyEntries(string field, long entries, long limit) => $"invalid value for field {field}: {entries} entries; the limit is {limit}";
    public static string TooLong(string field, long bytes, long limit) => $"invalid value for field {field}: {bytes} bytes long; the limit is {limit}";
    public static string TooManyProcesses(string hostName, int limit) => $"too many managed processes on {hostName}: the limit is {limit}";

    // Front door security.
    public const string MissingToken = "unauthorized: this hub needs a bearer token (Authorization: Bearer TOKEN)";
    public const string InvalidToken = "unauthorized: the bearer token is not valid";
    public const string MetricsTokenOnly = "forbidden: the metrics token may only GET /metrics";
    public static string Forbidden(string operation, string caller) => $"forbidden: {operation} needs an admin token; '{caller}' may only read";

    // The dashboard's session (docs/PROTOCOL.md section 9.2).
    public const string CsrfHeaderMissing = "forbidden: a request made with the session cookie that changes something needs the header X-B0-CSRF: 1";
    public const string LoginBodyInvalid = "the login body must be a JSON object {\"token\":\"TOKEN\"}";
    public static string TooManyRequests(int limit, int queued) =>
        $"too many requests: at most {limit} at a time and {queued} waiting from one client address";

    // b0, the command line (src/Cli): its own texts, after "b0: " on stderr.
    public static string HubNotReached(string url, string reason) => $"cannot reach the hub at {url}: {reason}";
    public static string HubTooSlow(string url, double seconds) => $"the hub at {url} did not answer within {seconds:0.#} s";
    public static string HubStatus(int status) => $"the hub answered HTTP {status}";
    public static string HubNotJson(int status) => $"the hub answered HTTP {status} with a body that is not JSON";
    public static string CliUnknownOption(string token) => $"Unrecognized command or argument '{token}'.";
    public const string CliEnvWithoutEquals = "--env takes NAME=VALUE, with a non-empty NAME";
    public const string CliStartNeedsDoubleDash = "start needs -- before the command: b0 start HOST [OPTIONS] -- PATH [ARG...]";
    public const string CliKillAllNeedsTarget = "kill-all needs a HOST or --all-hosts, not both";
    public const string CliKillAllNeedsYes = "kill-all asks before it stops anything: add --yes when stdin is not a terminal";
    public const string CliKillAllDeclined = "kill-all: nothing stopped";
    public static string CliNotRunning(string target, string state) => $"{target} is {state}";
    public static string CliBadSince(string text) => $"--since takes a duration such as 10m, 2h, 30s, 1d or an ISO-8601 time, not '{text}'";
    public static string CliCannotRead(string file, string reason) => $"cannot read {file}: {reason}";
    public const string CliEventsStreamEnded = "the hub closed the event stream";

    // Launch plans.
    public static string PlanTakesNoHostName(string operation) => $"{operation} takes no host_name: each process of a plan names its own host";
    public static string BadPlanName(string field) => $"{field} must be a plan name: 1 to 256 of a-z, 0-9 and -";
    public static string BadStepName(string field) => $"{field} must be a step name: 1 to 256 of a-z, 0-9, _ and -";
    public static string ReadyNeedsOneKind(string field) => $"{field} must have exactly one of tcp, output, exit_code, delay_s";
    public static string PlanRefused(int count) => $"plan refused: {count} problem{(count == 1 ? "" : "s")}, nothing started";
    public static string DuplicateStep(string step) => $"process name {step} is used more than once";
    public static string UnknownDependency(string step, string dependency, string? closest) => $"{step} depends on {dependency}, which is not a process of this plan{DidYouMean(closest)}";
    public static string DependencyCycle(IReadOnlyList<string> cycle) => $"dependency cycle: {string.Join(" -> ", cycle)}";
    public static string PlanUnknownHost(string step, string host, string? closest) => $"{step}: unknown host {host}{DidYouMean(closest)}";
    public static string PlanHostNotUp(string step, string host) => $"{step}: host {host} is not up";
    public static string PlanBusy(string plan) => $"plan {plan} is being applied or removed right now; try again when that is over";
    public static string NoSuchPlan(string plan) => $"no such plan: {plan}";
    public static string StepNotReadyInTime(double seconds) => $"not ready within {seconds:0.###} s";
    public static string StepExitedBeforeReady(string exit) => $"ended before it was ready ({exit})";
    public static string StepWrongExitCode(string exit, int expected) => $"one-shot step ended with {exit}, expected exit code {expected}";
    public static string StepFailed(string step, string error) => $"step {step} failed: {error}";
    public const string StepDependencyFailed = "not started: an earlier step failed";
    public static string CliPlanFileUnreadable(string path, string why) => $"cannot read plan file {path}: {why}";
    public static string CliPlanFileNotAnObject(string path) => $"plan file {path} must hold one plan: a mapping with name and processes";
    public static string CliPlanVariableUnset(string placeholder) => $"{placeholder} in the plan file: the variable is not set";
}
