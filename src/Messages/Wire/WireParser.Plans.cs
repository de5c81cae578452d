using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BlueZero.Messages.Protocol;

namespace BlueZero.Messages.Wire;

// Launch plans: apply_plan, plan_status, remove_plan. A plan document is read whole, and every problem in it is
// listed (ApplyPlan.Problems), not just the first: the hub adds the graph's and the hosts' problems and refuses the lot.
public static partial class WireParser
{
    private static readonly Regex PlanNamePattern = new("^[a-z0-9-]+$", RegexOptions.CultureInvariant);
    private static readonly Regex StepNamePattern = new("^[a-z0-9_-]+$", RegexOptions.CultureInvariant);
    private static readonly string[] StepFields = ["host", "depends_on", "ready"];
    public const string RollbackOnFailure = "rollback";
    public static readonly IReadOnlyList<string> OnFailureChoices = ["stop", RollbackOnFailure];

    /// <summary>A plan name as the wire allows it: [a-z0-9-]+, at most <see cref="MaxNameLength"/> characters.</summary>
    public static bool IsPlanName(string name) => name.Length <= MaxNameLength && PlanNamePattern.IsMatch(name);

    private static T? ParsePlanName<T>(FieldReader fields, string? topLevelHostName, Func<string, T> command) where T : class
    {
        if (topLevelHostName is not null) return fields.FailWith<T>(ErrorTexts.PlanTakesNoHostName(fields.PathOf("")[..^1]));
        if (!fields.NoUnknownFields("name")) return null;
        if (fields.Element("name") is not { ValueKind: JsonValueKind.String } token) return fields.FailWith<T>(ErrorTexts.WrongType(fields.PathOf("name"), "a plan name"));
        var name = token.GetString()!;
        return IsPlanName(name) ? command(name) : fields.FailWith<T>(ErrorTexts.BadPlanName(fields.PathOf("name")));
    }

    private static ApplyPlan? ParseApplyPlan(FieldReader fields, string? topLevelHostName)
    {
        if (topLevelHostName is not null) return fields.FailWith<ApplyPlan>(ErrorTexts.PlanTakesNoHostName(WireOperations.ApplyPlan));
        if (!fields.NoUnknownFields("plan", "dry_run", "on_failure")) return null;
        if (!fields.OptionalBool("dry_run", out var dryRun)) return null;
        if (!fields.OptionalChoice("on_failure", OnFailureChoices, out var onFailure)) return null;
        if (fields.Element("plan") is not { ValueKind: JsonValueKind.Object } plan)
            return fields.FailWith<ApplyPlan>(ErrorTexts.WrongType(fields.PathOf("plan"), "an object"));
        var problems = new List<string>();
        var definition = ParsePlan(plan, fields.PathOf("plan"), fields.Limits, problems);
        return new ApplyPlan(definition, dryRun ?? false, onFailure == RollbackOnFailure, problems);
    }

    private static PlanDefinition ParsePlan(JsonElement plan, string path, WireLimits limits, List<string> problems)
    {
        foreach (var property in plan.EnumerateObject().Where(p => p.Name is not ("name" or "processes")))
            problems.Add(ErrorTexts.UnknownField($"{path}.{Shorten(property.Name)}"));
        var name = plan.TryGetProperty("name", out var nameToken) && nameToken.ValueKind == JsonValueKind.String ? nameToken.GetString()! : "";
        if (!IsPlanName(name)) problems.Add(ErrorTexts.BadPlanName($"{path}.name"));
        var steps = new List<PlanStep>();
        if (!plan.TryGetProperty("processes", out var processes) || processes.ValueKind != JsonValueKind.Array || processes.GetArrayLength() == 0)
            problems.Add(ErrorTexts.WrongType($"{path}.processes", "a non-empty array of processes"));
        else if (processes.GetArrayLength() > PlanDefaults.MaxSteps)
            problems.Add(ErrorTexts.TooManyEntries($"{path}.processes", processes.GetArrayLength(), PlanDefaults.MaxSteps));
        else
        {
            var i = 0;
            foreach (var process in processes.EnumerateArray())
                if (ParseStep(name, process, $"{path}.processes[{i++}]", limits, problems) is { } step)
                    steps.Add(step);
        }
        return new PlanDefinition(name, steps, Canonical(plan));
    }

    /// <summary>A step, or null when it has no usable name; each problem found is added to <paramref name="problems"/>.</summary>
    private static PlanStep? ParseStep(string plan, JsonElement process, string path, WireLimits limits, List<string> problems)
    {
        if (process.ValueKind != JsonValueKind.Object)
        {
            problems.Add(ErrorTexts.WrongType(path, "an object"));
            return null;
        }
        var fields = new FieldReader(path, process, limits);
        bool Check(bool ok)
        {
            if (!ok) problems.Add(fields.Error!);
            return ok;
        }
        string? name = null;
        if (fields.Element("name") is { ValueKind: JsonValueKind.String } nameToken && StepNamePattern.IsMatch(nameToken.GetString()!)
            && nameToken.GetString()!.Length <= MaxNameLength)
            name = nameToken.GetString()!;
        else problems.Add(ErrorTexts.BadStepName(fields.PathOf("name")));
        string host = "";
        if (fields.Element("host") is { ValueKind: JsonValueKind.String } hostToken && !string.IsNullOrWhiteSpace(hostToken.GetString()))
            host = hostToken.GetString()!;
        else problems.Add(ErrorTexts.WrongType(fields.PathOf("host"), "a host_name"));
        Check(fields.OptionalStringArray("depends_on", out var dependsOn));
        var ready = ParseReady(fields.Element("ready"), fields.PathOf("ready"), limits, problems);
        // A step whose start fields are wrong is kept with a placeholder, so that the graph checks still see its name:
        // the plan is refused anyway, and nothing of it starts.
        var start = ParseStart(fields, StepFields);
        if (start is null) problems.Add(fields.Error!);
        if (name is null) return null;
        var processName = PlanDefinition.ProcessName(plan, name);
        return new PlanStep(name, host, (start ?? new StartProcess("/", [])) with { Name = processName }, dependsOn ?? [],
            ready ?? ReadyCheck.WhenRunning(PlanDefaults.ReadyTimeoutS), Canonical(process));
    }

    private static ReadyCheck? ParseReady(JsonElement? element, string path, WireLimits limits, List<string> problems)
    {
        if (element is null) return ReadyCheck.WhenRunning(PlanDefaults.ReadyTimeoutS);
        if (element.Value.ValueKind != JsonValueKind.Object)
        {
            problems.Add(ErrorTexts.WrongType(path, "an object with one of tcp, output, exit_code, delay_s"));
            return null;
        }
        var fields = new FieldReader(path, element.Value, limits);
        if (!fields.NoUnknownFields("tcp", "output", "exit_code", "delay_s", "timeout_s")
            || !fields.OptionalSeconds("timeout_s", out var timeout) || !fields.OptionalSeconds("delay_s", out var delay)
            || !fields.OptionalInt("exit_code", 0, 255, "0 to 255", out var exitCode))
        {
            problems.Add(fields.Error!);
            return null;
        }
        var tcp = fields.Element("tcp");
        var output = fields.Element("output");
        var kinds = new[] { tcp is not null, output is not null, exitCode is not null, delay is not null }.Count(present => present);
        if (kinds != 1)
        {
            problems.Add(ErrorTexts.ReadyNeedsOneKind(path));
            return null;
        }
        var check = new ReadyCheck(ReadyKind.Running, timeout ?? PlanDefaults.ReadyTimeoutS);
        if (exitCode is not null) return check with { Kind = ReadyKind.ExitCode, ExitCode = exitCode };
        if (delay is not null) return check with { Kind = ReadyKind.Delay, DelayS = delay };
        if (output is { } pattern)
        {
            if (pattern.ValueKind != JsonValueKind.String || !IsRegex(pattern.GetString()!))
            {
                problems.Add(ErrorTexts.InvalidValue($"{path}.output", "must be a regular expression"));
                return null;
            }
            return check with { Kind = ReadyKind.Output, Output = pattern.GetString() };
        }
        var text = tcp!.Value.ValueKind == JsonValueKind.String ? tcp.Value.GetString()! : "";
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
        {
            problems.Add(ErrorTexts.InvalidValue($"{path}.tcp", "must be \"HOST:PORT\" with a port from 1 to 65535"));
            return null;
        }
        return check with { Kind = ReadyKind.Tcp, TcpHost = text[..colon].Trim('[', ']'), TcpPort = port };
    }

    private static bool IsRegex(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The element as JSON with every object's keys sorted: two specs that differ only in order or spacing are equal.</summary>
    public static string Canonical(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = WireJsonEncoder.Instance }))
            WriteCanonical(writer, element);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) WriteCanonical(writer, item);
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
