using System.Text;
using System.Text.Json;
using BlueZero.Messages.Protocol;

namespace BlueZero.Messages.Wire;

/// <summary>
/// The one parser of the wire protocol: any byte string in, a typed <see cref="HubRequest"/> or a clear error out.
/// It never throws to its caller; field names in errors use the dotted wire path (start_process.args[2]).
/// It reads with System.Text.Json, which is strict RFC 8259 (Newtonsoft's reader accepts octal numbers such as
/// 010, single quotes, unquoted names and trailing commas, which a protocol must refuse).
/// </summary>
public static class WireParser
{
    public const int MaxDepth = 32;
    public const int MaxNameLength = 256;
    private const int MaxDetailLength = 200;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = MaxDepth, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    public static ParseResult Parse(ReadOnlySpan<byte> body)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return ParseResult.Fail(ErrorTexts.InvalidUtf8);
        }
        return Parse(text);
    }

    public static ParseResult Parse(string text)
    {
        try
        {
            text = text.TrimStart('\uFEFF'); // a byte-order mark is noise, not content
            if (string.IsNullOrWhiteSpace(text))
                return ParseResult.Fail(ErrorTexts.EmptyRequest);
            using var document = JsonDocument.Parse(text, Strict);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? ParseObject(document.RootElement)
                : ParseResult.Fail(ErrorTexts.NotAnObject);
        }
        catch (JsonException ex)
        {
            return ParseResult.Fail(ErrorTexts.MalformedJson(Shorten(ex.Message)));
        }
        catch (Exception ex)
        {
            // Defence in depth: a parser bug must still produce an answer, never a crash.
            return ParseResult.Fail(ErrorTexts.MalformedJson(Shorten(ex.Message)));
        }
    }

    private static string Shorten(string detail) => detail.Length <= MaxDetailLength ? detail : detail[..MaxDetailLength] + "...";

    private static ParseResult ParseObject(JsonElement root)
    {
        if (FirstDuplicateKey(root) is { } duplicate)
            return ParseResult.Fail(ErrorTexts.MalformedJson($"duplicate key \"{Shorten(duplicate)}\""));

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
                return ParseResult.Fail(ErrorTexts.UnknownOperation(Shorten(property.Name)));
            }
        }

        if (operations.Count == 0)
            return ParseResult.Fail(ErrorTexts.MissingOperation());
        if (operations.Count > 1)
            return ParseResult.Fail(ErrorTexts.MoreThanOneOperation(operations.Select(p => p.Name)));

        var operation = operations[0];
        if (operation.Value.ValueKind != JsonValueKind.Object)
            return ParseResult.Fail(ErrorTexts.WrongType(operation.Name, "an object"));
        if (FirstDuplicateKey(operation.Value) is { } duplicateField)
            return ParseResult.Fail(ErrorTexts.MalformedJson($"duplicate key \"{Shorten(duplicateField)}\""));

        var fields = new FieldReader(operation.Name, operation.Value);
        INodeCommand? command = operation.Name switch
        {
            WireOperations.StartProcess => ParseStart(fields),
            WireOperations.StopProcess => ParseStop(fields),
            WireOperations.QueryProcessStatus => ParseQuery(fields),
            WireOperations.ListActiveProcesses => fields.NoUnknownFields() ? new ListActiveProcesses() : null,
            _ => null,
        };
        return command is null ? ParseResult.Fail(fields.Error!) : ParseResult.Ok(new HubRequest(hostName, command));
    }

    private static string? FirstDuplicateKey(JsonElement obj)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
            if (!seen.Add(property.Name))
                return property.Name;
        return null;
    }

    private static StartProcess? ParseStart(FieldReader fields)
    {
        if (!fields.NoUnknownFields("path", "args", "env", "cwd", "name")) return null;
        if (!fields.RequiredAbsolutePath("path", out var path)) return null;
        if (!fields.OptionalStringArray("args", out var args)) return null;
        if (!fields.OptionalStringMap("env", out var env)) return null;
        if (!fields.OptionalAbsolutePath("cwd", out var cwd)) return null;
        if (!fields.OptionalName("name", out var name)) return null;
        return new StartProcess(path!, args ?? [], env, cwd, name);
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
    private sealed class FieldReader(string operation, JsonElement body)
    {
        public string? Error { get; private set; }

        private string Path(string field) => $"{operation}.{field}";

        private bool Fail(string error)
        {
            Error = error;
            return false;
        }

        public bool NoUnknownFields(params string[] known)
        {
            foreach (var property in body.EnumerateObject())
                if (!known.Contains(property.Name))
                    return Fail(ErrorTexts.UnknownField(Path(Shorten(property.Name))));
            return true;
        }

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
            foreach (var item in token.Value.EnumerateArray())
            {
                if (!CleanString($"{Path(field)}[{i++}]", item, out var text)) return false;
                list.Add(text!);
            }
            values = list;
            return true;
        }

        public bool OptionalStringMap(string field, out IReadOnlyDictionary<string, string>? map)
        {
            map = null;
            var token = Present(field);
            if (token is null) return true;
            if (token.Value.ValueKind != JsonValueKind.Object) return Fail(ErrorTexts.WrongType(Path(field), "an object of strings"));
            if (FirstDuplicateKey(token.Value) is { } duplicate)
                return Fail(ErrorTexts.MalformedJson($"duplicate key \"{Shorten(duplicate)}\""));
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in token.Value.EnumerateObject())
            {
                var entry = $"{Path(field)}.{Shorten(property.Name)}";
                if (property.Name.Length == 0 || property.Name.Contains('=') || property.Name.Contains('\0'))
                    return Fail(ErrorTexts.InvalidValue(entry, "a variable name must be non-empty and contain neither '=' nor NUL"));
                if (!CleanString(entry, property.Value, out var value)) return false;
                result[property.Name] = value!;
            }
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
