using System.Text.Json.Nodes;
using Spectre.Console;

namespace BlueZero.Cli.Rendering;

/// <summary>One column of a table: its header, how a row (the JSON b0 prints with --json) reads in it, and its style.</summary>
public sealed record Column(string Header, Func<JsonObject, string> Cell)
{
    /// <summary>Shown only with <c>-o wide</c>.</summary>
    public bool WideOnly { get; init; }

    public bool AlignRight { get; init; }

    /// <summary>The cell's style, e.g. a state's colour; null for plain text.</summary>
    public Func<JsonObject, Style?>? StyleOf { get; init; }
}
