using System.Globalization;
using System.Text;
using BlueZero.Messages.Protocol;
using BlueZero.Messages.Wire;
using Xunit;
using Xunit.Sdk;

namespace BlueZero.Tests.Unit;

/// <summary>
/// Seeded fuzzing of <see cref="WireParser"/> with hostile sizes: huge strings in every field (up to 600 KB), tens
/// of thousands of args or env entries, nesting thousands of levels deep, huge keys and numbers. The parser must
/// answer every one without throwing, its error text must stay short (a client's input is never echoed in full),
/// and whatever it accepts must be within <see cref="WireLimits"/>. 10,000 inputs; fixed seed.
/// </summary>
public sealed class WireParserHostileFuzzTests
{
    /// <summary>Generous: the longest texts are a dotted field path plus a 200-character excerpt and a rule.</summary>
    public const int MaxErrorLength = 600;

    private const int Inputs = 10_000;
    private static readonly string[] Fields = ["path", "cwd", "args", "env", "name", "max_time", "restart", "recurring_period"];
    private static readonly string[] Pieces = ["a", "z", "0", " ", "é", "日", "🚀", "\"", "\\", "/", "\n", "\0", "=", "{", "]"];

    [Fact]
    public void Huge_and_deep_requests_always_get_a_short_answer_and_accepted_ones_are_within_the_limits()
    {
        var rng = new Random(2001);
        int accepted = 0, rejected = 0, huge = 0;
        for (var i = 0; i < Inputs; i++)
        {
            // Mostly up to 16 KB; every 40th input is 100 to 600 KB, around and far beyond the 256 KiB limits.
            var size = i % 40 == 0 ? rng.Next(100_000, 600_000) : (int)Math.Exp(rng.NextDouble() * Math.Log(16_384));
            if (size >= 100_000) huge++;
            var text = Generate(rng, size);
            var ok = i % 2 == 0
                ? Check(WireParser.Parse(text), i, text)
                : Check(WireParser.Parse(Encoding.UTF8.GetBytes(text)), i, text);
            if (ok) accepted++; else rejected++;
        }
        Assert.Equal(Inputs, accepted + rejected);
        Assert.True(accepted > 100 && rejected > 100, $"the generator must reach both outcomes: {accepted} accepted, {rejected} rejected");
        Assert.True(huge >= Inputs / 40);
    }

    private static bool Check(ParseResult result, int index, string text)
    {
        string Describe() => $"input #{index} ({text.Length} chars): {(text.Length <= 300 ? text : text[..300] + "...")}";
        if ((result.Request is null) == (result.Error is null))
            throw new XunitException($"expected exactly one of Request/Error on {Describe()}");
        if (result.Error is { } error)
        {
            if (string.IsNullOrWhiteSpace(error)) throw new XunitException($"blank error on {Describe()}");
            if (error.Length > MaxErrorLength)
                throw new XunitException($"error of {error.Length} characters (limit {MaxErrorLength}) on {Describe()}: {error[..300]}...");
            return false;
        }
        if (result.Request!.Command is StartProcess start)
        {
            var limits = WireLimits.Default;
            var argsBytes = start.Args.Sum(a => (long)Encoding.UTF8.GetByteCount(a));
            if (argsBytes > limits.MaxArgsBytes) throw new XunitException($"accepted {argsBytes} bytes of args on {Describe()}");
            if (start.Env is { } env)
            {
                if (env.Count > limits.MaxEnvEntries) throw new XunitException($"accepted {env.Count} env entries on {Describe()}");
                var envBytes = env.Sum(e => (long)Encoding.UTF8.GetByteCount(e.Key) + 1 + Encoding.UTF8.GetByteCount(e.Value));
                if (envBytes > limits.MaxEnvBytes) throw new XunitException($"accepted {envBytes} bytes of env on {Describe()}");
            }
            if (Encoding.UTF8.GetByteCount(start.Path) > limits.MaxPathBytes || start.Cwd is { } cwd && Encoding.UTF8.GetByteCount(cwd) > limits.MaxPathBytes)
                throw new XunitException($"accepted an over-long path on {Describe()}");
            if (start.Name is { Length: > WireParser.MaxNameLength }) throw new XunitException($"accepted an over-long name on {Describe()}");
        }
        return true;
    }

    // ---------------------------------------------------------------- generators

    private static string Generate(Random rng, int size)
    {
        var host = rng.Next(3) == 0 ? $"\"host_name\":{Str(rng, rng.Next(2) == 0 ? size : 8)}," : "";
        switch (rng.Next(14))
        {
            case 0: return $"{{{host}\"start_process\":{{\"path\":{Str(rng, size, "/")}}}}}";
            case 1: return $"{{{host}\"start_process\":{{\"path\":\"/bin/true\",\"cwd\":{Str(rng, size, "/")}}}}}";
            case 2: return Start(host, "args", "[" + string.Join(",", Enumerable.Range(0, rng.Next(1, 4)).Select(_ => Str(rng, size / 2))) + "]");
            case 3: // many small args
            {
                var count = size / rng.Next(2, 8);
                return Start(host, "args", "[" + string.Join(",", Enumerable.Range(0, count).Select(_ => Str(rng, rng.Next(0, 6)))) + "]");
            }
            case 4: return Start(host, "env", $"{{\"K\":{Str(rng, size)},{Str(rng, rng.Next(2) == 0 ? 4 : size / 2)}:\"v\"}}");
            case 5: // many env entries, sometimes a duplicate
            {
                var count = Math.Max(1, size / rng.Next(4, 12));
                var entries = Enumerable.Range(0, count).Select(n => $"\"V{n.ToString(CultureInfo.InvariantCulture)}\":\"x\"").ToList();
                if (rng.Next(5) == 0) entries.Add("\"V0\":\"dup\"");
                return Start(host, "env", "{" + string.Join(",", entries) + "}");
            }
            case 6: return Start(host, "name", Str(rng, rng.Next(2) == 0 ? rng.Next(1, 300) : size));
            case 7: return $"{{{host}{Str(rng, size)}:{{}}}}"; // a huge unknown operation
            case 8: return Start(host, Str(rng, size)[1..^1], "1"); // a huge unknown field
            case 9: return Start(host, Fields[rng.Next(Fields.Length)], Nest(rng, Math.Min(size, 20_000)));
            case 10: return Nest(rng, Math.Min(size, 20_000)); // deep at the root
            case 11: return $"{{{host}\"stop_process\":{{\"pid\":{Digits(rng, size)}}}}}";
            case 12: return $"{{{host}\"start_process\":{{\"path\":\"/bin/true\",\"max_time\":{(rng.Next(2) == 0 ? "-" : "")}{Digits(rng, size)}.5e{rng.Next(-400, 400)}}}}}";
            default: return $"{{{host}{Str(rng, size / 2)}:1,{Str(rng, size / 2)}:2}}"; // huge keys, maybe duplicates
        }
    }

    private static string Start(string host, string field, string valueJson) =>
        $"{{{host}\"start_process\":{{\"path\":\"/bin/sleep\",\"{field}\":{valueJson}}}}}";

    /// <summary>A JSON string of about <paramref name="length"/> characters; sometimes plain, sometimes with escapes, NULs and raw control characters.</summary>
    private static string Str(Random rng, int length, string prefix = "")
    {
        var text = new StringBuilder(length + 8).Append('"').Append(prefix);
        var plain = rng.Next(3) != 0;
        var raw = rng.Next(20) == 0; // unescaped characters: malformed JSON
        while (text.Length < length + 1)
        {
            var piece = plain ? "abcdefgh"[rng.Next(8)].ToString() : Pieces[rng.Next(Pieces.Length)];
            if (!raw)
                piece = piece switch { "\"" => "\\\"", "\\" => "\\\\", "\n" => "\\n", "\0" => "\\u0000", _ => piece };
            text.Append(piece);
        }
        return text.Append('"').ToString();
    }

    private static string Digits(Random rng, int count)
    {
        var digits = new StringBuilder(count + 1).Append((char)('1' + rng.Next(9)));
        for (var i = 1; i < count; i++) digits.Append((char)('0' + rng.Next(10)));
        return digits.ToString();
    }

    /// <summary>Arrays and objects nested up to <paramref name="maxDepth"/> deep; sometimes left unclosed.</summary>
    private static string Nest(Random rng, int maxDepth)
    {
        var depth = rng.Next(1, Math.Max(2, maxDepth));
        var text = new StringBuilder();
        var closers = new Stack<char>();
        for (var d = 0; d < depth; d++)
        {
            if (rng.Next(2) == 0) { text.Append('['); closers.Push(']'); }
            else { text.Append("{\"").Append(Fields[rng.Next(Fields.Length)]).Append("\":"); closers.Push('}'); }
        }
        text.Append(rng.Next(2) == 0 ? "\"/x\"" : "1");
        var toClose = rng.Next(5) == 0 ? rng.Next(closers.Count + 1) : closers.Count;
        for (var c = 0; c < toClose; c++) text.Append(closers.Pop());
        return text.ToString();
    }
}
