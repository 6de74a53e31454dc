using System.Globalization;

namespace HsmKmip.Server.Cli;

/// <summary>
/// Progress on the terminal: a bar redrawn in place when standard output is a TTY, otherwise one plain line each time
/// another tenth is done (logs and pipes get lines they can read).
/// </summary>
internal sealed class ProgressLine(TextWriter output, string what, bool? tty = null)
{
    private const int Width = 30;
    private readonly bool _tty = tty ?? (!Console.IsOutputRedirected && ReferenceEquals(output, Console.Out));
    private readonly Lock _gate = new();
    private long _lastTenth = -1;
    private long _lastDrawn = -1;
    private bool _open;

    public void Report(long done, long total)
    {
        lock (_gate)
        {
            var percent = total == 0 ? 100 : (int)(done * 100 / total);
            if (_tty)
            {
                if (done == _lastDrawn) return;
                _lastDrawn = done;
                var filled = percent * Width / 100;
                output.Write(string.Create(CultureInfo.InvariantCulture, $"\r{what} [{new string('#', filled)}{new string('.', Width - filled)}] {percent,3}% {done}/{total}"));
                _open = true;
                return;
            }
            var tenth = percent / 10;
            if (tenth == _lastTenth) return;
            _lastTenth = tenth;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: {done}/{total} ({percent}%)"));
        }
    }

    /// <summary>Ends the bar's line, so that what follows starts on a line of its own.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            if (_open) output.WriteLine();
            _open = false;
        }
    }
}
