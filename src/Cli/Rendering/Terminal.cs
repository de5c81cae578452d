using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace BlueZero.Cli.Rendering;

/// <summary>
/// Where b0 writes: standard output through Spectre.Console (colour only on a terminal, without NO_COLOR and
/// --no-color), or JSON only with --json. Tests give it a writer and a width.
/// </summary>
public sealed class Terminal
{
    /// <summary>Compact, and '+' or '<' left as they are: people read this JSON too.</summary>
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public Terminal(TextWriter writer, bool json, bool colour, bool interactive, int? width = null)
    {
        Writer = writer;
        Json = json;
        Interactive = interactive;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = colour || interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = colour ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        if (width is { } fixedWidth) Console.Profile.Width = fixedWidth;
    }

    /// <summary>The terminal b0 runs in: colour unless told not to, or not a terminal.</summary>
    public static Terminal ForProcess(bool json, bool noColor)
    {
        var interactive = !System.Console.IsOutputRedirected;
        var colour = interactive && !noColor && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        return new Terminal(System.Console.Out, json, colour, interactive);
    }

    public IAnsiConsole Console { get; }
    public TextWriter Writer { get; }
    public bool Json { get; }

    /// <summary>Standard output is a terminal: live redraw and questions make sense.</summary>
    public bool Interactive { get; }

    public void Write(IRenderable renderable) => Console.Write(renderable);

    public void Line(string text) => Line(text, Style.Plain);

    /// <summary>One line; off a terminal it is written as it is, never wrapped at a guessed width (grep and logs want whole lines).</summary>
    public void Line(string text, Style style)
    {
        if (Interactive) Console.Write(new Text(text + "\n", style));
        else Writer.WriteLine(text);
    }

    /// <summary>JSON on one line, as the hub sends it.</summary>
    public void JsonLine(JsonNode? node) => Writer.WriteLine(node?.ToJsonString(Compact) ?? "null");

    public void JsonText(string text) => Writer.WriteLine(text);
}
