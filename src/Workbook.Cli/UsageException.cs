namespace Workbook.Cli;

/// <summary>A mistake in the command line found after parsing (a missing model, an impossible architecture): the
/// program prints the message and the verb's usage, and exits with 2.</summary>
/// <remarks><see cref="Checked{T}"/> turns the library's ArgumentException for a bad value (a device, an architecture) into one.</remarks>
internal sealed class UsageException(string message) : Exception(message)
{
    /// <summary>Runs a check of command-line values; its ArgumentException is a usage mistake (exit 2), not a failure.</summary>
    public static T Checked<T>(Func<T> check)
    {
        try { return check(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
    }
}
