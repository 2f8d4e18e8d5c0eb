using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Workbook.Cli;

/// <summary>
/// Where the command line's output goes. On a terminal: Spectre.Console progress bars and tables. Anywhere else (a
/// pipe, a file, a CI log): plain lines, one per event, without escape codes or redrawn bars, which logs keep badly.
/// </summary>
internal static class Terminal
{
    /// <summary>True when standard output is an interactive terminal that Spectre.Console can redraw.</summary>
    public static bool IsInteractive { get; } =
        !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive && AnsiConsole.Profile.Capabilities.Ansi;

    /// <summary>
    /// Runs <paramref name="work"/> with a progress bar of <paramref name="steps"/> steps on a terminal; elsewhere
    /// without one. The work reports through the <see cref="Progress"/> it is given: lines (printed above the bar, or
    /// plain) and steps done.
    /// </summary>
    public static T WithProgress<T>(string description, double steps, Func<Progress, T> work)
    {
        if (!IsInteractive) return work(new Progress(null));
        return AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context => work(new Progress(context.AddTask(Markup.Escape(description), maxValue: steps))));
    }

    /// <summary>A line to print while work runs, and the steps done so far.</summary>
    public sealed class Progress(ProgressTask? task)
    {
        public void Line(string text)
        {
            if (task == null) Console.WriteLine(text);
            else AnsiConsole.MarkupLine(Markup.Escape(text));
        }

        public void Done(double steps, string? description = null)
        {
            if (task == null) return;
            task.Value = steps;
            if (description != null) task.Description = Markup.Escape(description);
        }

        /// <summary>A writer whose every line is printed and counted as one step done (one line per notebook or submission).</summary>
        public TextWriter LinesAsSteps() => new StepWriter(this);

        private sealed class StepWriter(Progress progress) : StringWriter(CultureInfo.InvariantCulture)
        {
            private int lines;

            public override void WriteLine(string? value)
            {
                progress.Line(value ?? "");
                progress.Done(++lines);
            }
        }
    }

    /// <summary>
    /// A table that fills in row by row: a Spectre.Console table redrawn as rows arrive on a terminal; fixed-width
    /// lines printed as they arrive elsewhere (<paramref name="widths"/>: negative pads right, positive pads left).
    /// </summary>
    public static void Table(string[] headers, int[] widths, Action<Action<string[]>> fill)
    {
        if (!IsInteractive)
        {
            Console.WriteLine(FixedWidth(headers, widths));
            fill(row => Console.WriteLine(FixedWidth(row, widths)));
            return;
        }
        var table = new Table().Border(TableBorder.Rounded);
        for (int i = 0; i < headers.Length; i++)
        {
            var column = new TableColumn(Markup.Escape(headers[i]));
            table.AddColumn(widths[i] > 0 ? column.RightAligned() : i == 0 ? column.NoWrap() : column);
        }
        AnsiConsole.Live(table).Start(context =>
            fill(row =>
            {
                table.AddRow(row.Select(cell => (IRenderable)new Text(cell)).ToArray());
                context.Refresh();
            }));
    }

    private static string FixedWidth(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, i) => widths[i] < 0 ? cell.PadRight(-widths[i]) : cell.PadLeft(widths[i]))).TrimEnd();
}
