using System.Text.Json.Nodes;
using Spectre.Console;

namespace BlueZero.Cli.Rendering;

/// <summary>
/// Rows as a borderless table (like ps and kubectl) that fits the terminal: Spectre.Console narrows the widest
/// columns and a cell that does not fit ends in "…"; no column is dropped. Wide tables ignore the width.
/// </summary>
public static class TableView
{
    /// <summary>Wide output is never cut: as wide as the longest row needs.</summary>
    private const int UnlimitedWidth = 100_000;

    public static Table Build(IReadOnlyList<Column> columns, IEnumerable<JsonObject> rows, bool wide)
    {
        var shown = columns.Where(c => wide || !c.WideOnly).ToList();
        var table = new Table().Border(TableBorder.None).HideRowSeparators();
        foreach (var column in shown)
        {
            var header = new TableColumn(new Text(column.Header, new Style(decoration: Decoration.Bold))).PadLeft(0).PadRight(2).NoWrap();
            if (column.AlignRight) header.RightAligned();
            table.AddColumn(header);
        }
        foreach (var row in rows)
            table.AddRow(shown.Select(column => new Text(Clean(column.Cell(row)), column.StyleOf?.Invoke(row) ?? Style.Plain)
            {
                Overflow = Overflow.Ellipsis,
            }));
        return table;
    }

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
            terminal.Write(Build(columns, rows, wide));
        }
        finally
        {
            terminal.Console.Profile.Width = width;
        }
    }

    /// <summary>One line per cell: a newline or tab from a process's arguments must not break the table.</summary>
    private static string Clean(string text) => text.Length == 0 ? "-" : text.Replace('\n', ' ').Replace('\t', ' ').Replace('\r', ' ');
}
