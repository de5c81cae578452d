using System.Text;
using System.Text.Json;

namespace BlueZero.Messages.Wire;

/// <summary>
/// Says what is wrong with a request that is not JSON, in JSON's own terms and with the 0-based byte offset into the
/// body: <c>malformed JSON: trailing comma at byte 38</c>. System.Text.Json's own message is written for .NET
/// programmers ("Change the reader options. LineNumber: 0 | BytePositionInLine: 38"), so it is only used to tell the
/// kinds of error apart, never shown; the bytes around the offset decide the rest.
/// </summary>
internal static class JsonSyntaxError
{
    /// <param name="content">The bytes the reader saw (after any byte-order marks).</param>
    /// <param name="skippedBytes">Bytes in front of <paramref name="content"/> in the body (byte-order marks), so offsets count from the body's start.</param>
    public static string Describe(JsonException error, ReadOnlySpan<byte> content, int skippedBytes)
    {
        var bytes = content.ToArray(); // an error is rare: the helpers below work on an array
        if (error.LineNumber is not { } line || error.BytePositionInLine is not { } column)
            return ErrorTexts.MalformedJson(ErrorTexts.JsonSyntaxError);
        var at = (int)Math.Min(LineStart(bytes, line) + column, bytes.Length);
        var reason = error.Message;

        var (what, offset) = true switch
        {
            _ when Has(reason, "trailing comma") => (ErrorTexts.JsonTrailingComma, Before(bytes, at, IsWhitespace) - 1),
            _ when Has(reason, "end of string") => (ErrorTexts.JsonUnterminatedString, OpeningQuote(bytes)),
            _ when OnlyWhitespaceFrom(bytes, at) => (ErrorTexts.JsonUnexpectedEnd, at),
            _ when Has(reason, "maximum configured depth") => (ErrorTexts.JsonTooDeep(WireParser.MaxDepth), at),
            _ when Has(reason, "within a JSON string") => (bytes[at] < 0x20 ? ErrorTexts.JsonControlCharacter(CharacterAt(bytes, at)) : ErrorTexts.JsonInvalidEscape, at),
            _ when bytes[at] == '/' => (ErrorTexts.JsonComment, at),
            _ when Has(reason, "start of a property name") => (ErrorTexts.JsonExpectedPropertyName(CharacterAt(bytes, at)), at),
            _ when Has(reason, "after a property name") => (ErrorTexts.JsonExpectedColon(CharacterAt(bytes, at)), at),
            _ when Has(reason, "after a value") => (ErrorTexts.JsonExpectedComma(CharacterAt(bytes, at)), at),
            _ when Has(reason, "after a single JSON value") => (ErrorTexts.JsonTrailingContent, at),
            _ when Has(reason, "without a matching open") => (ErrorTexts.JsonUnmatched(CharacterAt(bytes, at)), at),
            _ when Has(reason, "JSON literal") => (ErrorTexts.JsonInvalidLiteral, Before(bytes, at, IsLetter)),
            _ when Has(reason, "end of a number") => (ErrorTexts.JsonUnexpectedCharacter(CharacterAt(bytes, at)), at),
            _ when Has(reason, "a number") || Has(reason, "leading zero") => (ErrorTexts.JsonInvalidNumber, Before(bytes, at, IsNumberByte)),
            _ when Has(reason, "start of a value") => (ErrorTexts.JsonUnexpectedCharacter(CharacterAt(bytes, at)), at),
            _ => (ErrorTexts.JsonSyntaxError, at),
        };
        return ErrorTexts.MalformedJsonAt(what, skippedBytes + Math.Max(offset, 0));
    }

    /// <summary>
    /// For valid JSON whose string escapes half a surrogate pair (<c>"\uD800"</c>): RFC 8259 lets it through, but it
    /// is not text, so the reader refuses to produce the string. Points at the first such escape.
    /// </summary>
    public static string UnpairedSurrogate(ReadOnlySpan<byte> content, int skippedBytes)
    {
        var bytes = content.ToArray();
        var inString = false;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '"') inString = !inString;
            if (!inString || bytes[i] != '\\') continue;
            if (EscapedUnit(bytes, i) is not { } unit)
            {
                i++; // a one-character escape such as \" or \\
                continue;
            }
            var pairedLow = char.IsHighSurrogate(unit) && EscapedUnit(bytes, i + 6) is { } low && char.IsLowSurrogate(low);
            if (char.IsSurrogate(unit) && !pairedLow)
                return ErrorTexts.MalformedJsonAt(ErrorTexts.JsonUnpairedSurrogate($"\\u{(int)unit:X4}"), skippedBytes + i);
            i += pairedLow ? 11 : 5;
        }
        return ErrorTexts.MalformedJson(ErrorTexts.JsonUnpairedSurrogate("escape"));
    }

    /// <summary>
    /// Whether the reader refused a key that appears twice in one object (JsonDocumentOptions.AllowDuplicateProperties
    /// = false). Its message, "Duplicate property 'KEY' encountered during deserialization.", cuts a long KEY short
    /// ("list_active_pro..."), so the parser names the key itself (WireParser.FirstDuplicateKey).
    /// </summary>
    public static bool IsDuplicateKey(JsonException error) =>
        error.LineNumber is null && error.Message.StartsWith("Duplicate property '", StringComparison.Ordinal);

    /// <summary>The UTF-16 unit of a \uXXXX escape starting at <paramref name="at"/>, or null when there is none.</summary>
    private static char? EscapedUnit(byte[] bytes, int at) =>
        at + 6 <= bytes.Length && bytes[at] == '\\' && bytes[at + 1] == 'u'
        && ushort.TryParse(bytes.AsSpan(at + 2, 4), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var unit)
            ? (char)unit
            : null;

    private static bool Has(string message, string fragment) => message.Contains(fragment, StringComparison.OrdinalIgnoreCase);

    /// <summary>The reader counts lines by '\n' and columns in bytes.</summary>
    private static long LineStart(byte[] bytes, long line)
    {
        var start = 0;
        for (var seen = 0L; seen < line; seen++)
        {
            var next = Array.IndexOf(bytes, (byte)'\n', start);
            if (next < 0) return bytes.Length;
            start = next + 1;
        }
        return start;
    }

    /// <summary>The offset of the first of the bytes just before <paramref name="at"/> that all match.</summary>
    private static int Before(byte[] bytes, int at, Func<byte, bool> matches)
    {
        while (at > 0 && matches(bytes[at - 1])) at--;
        return at;
    }

    private static bool OnlyWhitespaceFrom(byte[] bytes, int at) => bytes.AsSpan(at).IndexOfAnyExcept(" \t\r\n"u8) < 0;

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static bool IsLetter(byte b) => b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z';

    private static bool IsNumberByte(byte b) => b is >= (byte)'0' and <= (byte)'9' or (byte)'.' or (byte)'-' or (byte)'+' or (byte)'e' or (byte)'E';

    /// <summary>Where the string still open at the end begins: the last quote that opens a string.</summary>
    private static int OpeningQuote(byte[] bytes)
    {
        var opening = bytes.Length;
        var inString = false;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (inString && bytes[i] == '\\') i++;
            else if (bytes[i] == '"' && (inString = !inString)) opening = i;
        }
        return opening;
    }

    /// <summary>The character at a byte offset as a person can read it: 'x', or U+0001 when it is invisible or not UTF-8.</summary>
    private static string CharacterAt(byte[] bytes, int at)
    {
        if (at >= bytes.Length) return ErrorTexts.JsonEndOfInput;
        if (System.Text.Rune.DecodeFromUtf8(bytes.AsSpan(at), out var rune, out _) != System.Buffers.OperationStatus.Done)
            return $"byte 0x{bytes[at]:X2}";
        return System.Text.Rune.IsControl(rune) || System.Text.Rune.IsWhiteSpace(rune) ? $"U+{rune.Value:X4}" : $"'{rune}'";
    }
}
