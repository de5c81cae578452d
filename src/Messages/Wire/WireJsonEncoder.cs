using System.Text.Encodings.Web;

namespace BlueZero.Messages.Wire;

/// <summary>
/// Escapes strings in replies exactly as the wire has always had them (Json.NET's defaults, which clients and tests
/// compare byte for byte): only '"', '\', control characters (\n, \r, \t, \b, \f short; others \u00xx, lower-case hex),
/// U+0085, U+2028 and U+2029. Everything else, non-ASCII letters and emoji included, is written as it is, where the
/// encoders that come with System.Text.Json would escape HTML characters and characters beyond the BMP.
/// </summary>
internal sealed class WireJsonEncoder : JavaScriptEncoder
{
    public static readonly WireJsonEncoder Instance = new();

    private WireJsonEncoder() { }

    public override int MaxOutputCharactersPerInputCharacter => 6; // \u00xx

    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar is < 0x20 or '"' or '\\' or 0x85 or 0x2028 or 0x2029;

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (var i = 0; i < textLength; i++)
            if (WillEncode(text[i]))
                return i;
        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var escaped = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\b' => "\\b",
            '\f' => "\\f",
            _ when WillEncode(unicodeScalar) => $"\\u{unicodeScalar:x4}",
            _ => char.ConvertFromUtf32(unicodeScalar),
        };
        numberOfCharactersWritten = 0;
        if (escaped.Length > bufferLength) return false;
        escaped.AsSpan().CopyTo(new Span<char>(buffer, bufferLength));
        numberOfCharactersWritten = escaped.Length;
        return true;
    }
}
