using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace BlueZero.Cli.Rendering;

/// <summary>
/// Rows as a borderless table (like ps and kubectl) that fits the terminal, one line per row: the widest columns are
/// narrowed first and a cell that does not fit ends in "…"; no column is dropped. Spectre.Console lays the table out
/// and colours it, but its fitting squeezes no-wrap columns to nothing and wraps a cell at its spaces even with
/// NoWrap, so the widths and the cut are chosen here. Wide tables ignore the width.
/// </summary>
public static class TableView
{
    /// <summary>Wide output is never cut: as wide as the longest row needs.</summary>
    private const int UnlimitedWidth = 100_000;

    /// <summary>Space between columns.</summary>
    private const int Gap = 2;

    /// <summary>No column is narrowed below this (its header may then end in "…" too).</summary>
    private const int MinimumColumn = 3;

    public static Table Build(IReadOnlyList<Column> columns, IEnumerable<JsonObject> rows, bool wide, int width)
    {
        var shown = columns.Where(c => wide || !c.WideOnly).ToList();
        var cells = rows.Select(row => shown.Select(column => (Text: Clean(column.Cell(row)), Style: column.StyleOf?.Invoke(row) ?? Style.Plain)).ToList()).ToList();
        var widths = Fit(shown.Select((column, i) => cells.Select(row => row[i].Text.Length).Append(column.Header.Length).Max()).ToArray(), width);
        var table = new Table().Border(TableBorder.None).HideRowSeparators();
        for (var i = 0; i < shown.Count; i++)
        {
            var header = new TableColumn(Cell(shown[i].Header, new Style(decoration: Decoration.Bold), widths[i]))
                .PadLeft(0).PadRight(i == shown.Count - 1 ? 0 : Gap).NoWrap().Width(widths[i]);
            if (shown[i].AlignRight) header.RightAligned();
            table.AddColumn(header);
        }
        foreach (var row in cells) table.AddRow(row.Select((cell, i) => Cell(cell.Text, cell.Style, widths[i])));
        return table;
    }

    /// <summary>Natural widths, the widest narrowed one step at a time until the row fits in <paramref name="width"/>.</summary>
    public static int[] Fit(int[] natural, int width)
    {
        var widths = natural.Select(w => Math.Max(w, 1)).ToArray();
        while (widths.Sum() + Gap * (widths.Length - 1) > width)
        {
            var widest = Array.IndexOf(widths, widths.Max());
            if (widths[widest] <= MinimumColumn) break; // nothing left to narrow: the terminal cuts the line
            widths[widest]--;
        }
        return widths;
    }

    /// <summary>One line of at most <paramref name="width"/> terminal cells, cut by Spectre.Console and ended with "…".</summary>
    public static Text Cell(string text, Style style, int width) =>
        new(text.GetCellWidth() <= width ? text : (Segment.Truncate(new Segment(text), width - 1)?.Text ?? "") + Ellipsis, style);

    private const string Ellipsis = "…";

    /// <summary>Renders the rows, or with --json prints them as one JSON array.</summary>
    public static void Show(Terminal terminal, IReadOnlyList<Column> columns, IReadOnlyList<JsonObject> rows, bool wide)
    {
        if (terminal.Json)
        {
            terminal.JsonLine(new JsonArray(rows.Select(r => (JsonNode)r.DeepClone()).ToArray()));
            return;
        }
        var width = terminal.Console.Profile.Width;
        if (wide) terminal.Console.Profile.Width = UnlimitedWidth;
        try
        {
            terminal.Write(Build(columns, rows, wide, terminal.Console.Profile.Width));
        }
        finally
        {
            terminal.Console.Profile.Width = width;
        }
    }

    /// <summary>One line per cell: a newline or tab from a process's arguments must not break the table.</summary>
    private static string Clean(string text) => text.Length == 0 ? "-" : text.Replace('\n', ' ').Replace('\t', ' ').Replace('\r', ' ');
}
