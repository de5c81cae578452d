using System.Text;
using BlueZero.Messages.Protocol;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace BlueZero.Messages.Wire;

/// <summary>
/// The one parser of the wire protocol: any byte string in, a typed <see cref="HubRequest"/> or a clear error out.
/// It never throws to its caller; field names in errors use the dotted wire path (start_process.args[2]).
/// </summary>
public static class WireParser
{
    public const int MaxDepth = 32;
    public const int MaxNameLength = 256;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

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
            if (string.IsNullOrWhiteSpace(text))
                return ParseResult.Fail(ErrorTexts.EmptyRequest);
            var root = ReadSingleValue(text, out var jsonError);
            if (root is null)
                return ParseResult.Fail(jsonError!);
            return root is JObject obj ? ParseObject(obj) : ParseResult.Fail(ErrorTexts.NotAnObject);
        }
        catch (Exception ex)
        {
            // Defence in depth: a parser bug must still produce an answer, never a crash.
            return ParseResult.Fail(ErrorTexts.MalformedJson(ex.Message));
        }
    }

    private static JToken? ReadSingleValue(string text, out string? error)
    {
        error = null;
        using var reader = new JsonTextReader(new StringReader(text))
        {
            MaxDepth = MaxDepth,
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Decimal,
        };
        try
        {
            var token = JToken.ReadFrom(reader, new JsonLoadSettings
            {
                DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error,
                CommentHandling = CommentHandling.Ignore,
            });
            if (reader.Read())
            {
                error = ErrorTexts.MalformedJson("unexpected content after the request object");
                return null;
            }
            return token;
        }
        catch (JsonException ex)
        {
            error = ErrorTexts.MalformedJson(ex.Message);
            return null;
        }
        catch (OverflowException ex)
        {
            error = ErrorTexts.MalformedJson(ex.Message);
            return null;
        }
    }

    private static ParseResult ParseObject(JObject obj)
    {
        string? hostName = null;
        var operations = new List<JProperty>();
        foreach (var property in obj.Properties())
        {
            if (property.Name == WireOperations.HostName)
            {
                if (property.Value.Type != JTokenType.String || string.IsNullOrWhiteSpace((string?)property.Value))
                    return ParseResult.Fail(ErrorTexts.WrongType(WireOperations.HostName, "a non-empty string"));
                hostName = (string)property.Value!;
            }
            else if (WireOperations.All.Contains(property.Name))
            {
                operations.Add(property);
            }
            else
            {
                return ParseResult.Fail(ErrorTexts.UnknownOperation(property.Name));
            }
        }

        if (operations.Count == 0)
            return ParseResult.Fail(ErrorTexts.MissingOperation());
        if (operations.Count > 1)
            return ParseResult.Fail(ErrorTexts.MoreThanOneOperation(operations.Select(p => p.Name)));

        var operation = operations[0];
        if (operation.Value is not JObject body)
            return ParseResult.Fail(ErrorTexts.WrongType(operation.Name, "an object"));

        var fields = new FieldReader(operation.Name, body);
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

    /// <summary>Reads typed fields of one operation body, remembering the first error.</summary>
    private sealed class FieldReader(string operation, JObject body)
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
            foreach (var property in body.Properties())
                if (!known.Contains(property.Name))
                    return Fail(ErrorTexts.UnknownField(Path(property.Name)));
            return true;
        }

        private JToken? Present(string field)
        {
            var token = body[field];
            return token is null || token.Type == JTokenType.Null ? null : token;
        }

        private bool CleanString(string field, JToken token, out string? value)
        {
            value = null;
            if (token.Type != JTokenType.String)
                return Fail(ErrorTexts.WrongType(field, "a string"));
            value = (string)token!;
            if (value.Contains('\0'))
                return Fail(ErrorTexts.InvalidValue(field, "contains a NUL character"));
            return true;
        }

        public bool RequiredAbsolutePath(string field, out string? path)
        {
            path = null;
            var token = Present(field);
            if (token is null) return Fail(ErrorTexts.MissingField(Path(field)));
            return AbsolutePath(field, token, out path);
        }

        public bool OptionalAbsolutePath(string field, out string? path)
        {
            path = null;
            var token = Present(field);
            return token is null || AbsolutePath(field, token, out path);
        }

        private bool AbsolutePath(string field, JToken token, out string? path)
        {
            if (!CleanString(Path(field), token, out path)) return false;
            if (path!.Length == 0) return Fail(ErrorTexts.InvalidValue(Path(field), "must not be empty"));
            if (!path.StartsWith('/')) return Fail(ErrorTexts.PathNotAbsolute(Path(field), path));
            return true;
        }

        public bool OptionalStringArray(string field, out IReadOnlyList<string>? values)
        {
            values = null;
            var token = Present(field);
            if (token is null) return true;
            if (token is not JArray array) return Fail(ErrorTexts.WrongType(Path(field), "an array of strings"));
            var list = new List<string>(array.Count);
            for (var i = 0; i < array.Count; i++)
            {
                if (!CleanString($"{Path(field)}[{i}]", array[i], out var item)) return false;
                list.Add(item!);
            }
            values = list;
            return true;
        }

        public bool OptionalStringMap(string field, out IReadOnlyDictionary<string, string>? map)
        {
            map = null;
            var token = Present(field);
            if (token is null) return true;
            if (token is not JObject obj) return Fail(ErrorTexts.WrongType(Path(field), "an object of strings"));
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in obj.Properties())
            {
                var entry = $"{Path(field)}.{property.Name}";
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
            if (!CleanString(Path(field), token, out name)) return false;
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
            if (token.Type != JTokenType.Boolean) return Fail(ErrorTexts.WrongType(Path(field), "true or false"));
            value = (bool)token;
            return true;
        }

        public bool Target(out ProcessTarget? target)
        {
            target = null;
            var pidToken = Present("pid");
            var nameToken = Present("name");
            if ((pidToken is null) == (nameToken is null))
                return Fail(ErrorTexts.PidOrName(operation));
            if (pidToken is not null)
            {
                if (pidToken.Type != JTokenType.Integer || pidToken is not JValue { Value: long pid } || pid <= 0 || pid > int.MaxValue)
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
