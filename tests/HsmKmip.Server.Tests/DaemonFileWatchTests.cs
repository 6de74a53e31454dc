using System.Diagnostics;
using System.Text;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>
/// The daemon as systemd starts it (WorkingDirectory = the state folder), admin listener on: no inotify watch may cover
/// that folder. ASP.NET's default builder watched its working directory with every subdirectory for appsettings.json,
/// so each store page and audit line written woke a file-watcher thread (issue 12, "no per-request work that is not
/// the request's").
/// </summary>
public sealed class DaemonFileWatchTests
{
    [Fact]
    public async Task The_daemon_watches_no_file_in_its_working_directory()
    {
        var root = Directory.CreateTempSubdirectory("hsmkmip-watch-").FullName;
        var start = new ProcessStartInfo(AdminDaemon.Program)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "serve", "--state-dir", Path.Combine(root, "var"), "--listen", $"127.0.0.1:{DaemonProcessTests.FreePort()}", "--admin-listen", "127.0.0.1:0" })
        {
            start.ArgumentList.Add(a);
        }
        using var daemon = Process.Start(start)!;
        var output = new StringBuilder();
        daemon.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        daemon.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        daemon.BeginOutputReadLine();
        daemon.BeginErrorReadLine();
        try
        {
            // Generous for a loaded 2-core machine: the first start makes a token, a KEK and the development PKI.
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (!Said(output, "Admin listener on https://") || !File.Exists(Path.Combine(root, "var", "admin.sock")))
            {
                Assert.False(daemon.HasExited, $"the daemon exited: {Said(output)}");
                Assert.True(DateTime.UtcNow < deadline, $"the admin listener and admin socket were not up within 90 s; the daemon said: {Said(output)}");
                await Task.Delay(100);
            }
            Assert.Equal([], InotifyWatches(daemon.Id));
        }
        finally
        {
            if (!daemon.HasExited) daemon.Kill(entireProcessTree: true);
            await daemon.WaitForExitAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    private static bool Said(StringBuilder output, string text)
    {
        lock (output) return output.ToString().Contains(text, StringComparison.Ordinal);
    }

    private static string Said(StringBuilder output)
    {
        lock (output) return output.ToString();
    }

    /// <summary>The "inotify wd:" lines of every inotify descriptor the process holds (proc(5), /proc/PID/fdinfo).</summary>
    private static List<string> InotifyWatches(int pid)
    {
        var watches = new List<string>();
        foreach (var fd in Directory.GetFiles($"/proc/{pid}/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed meanwhile
            }
            if (target != "anon_inode:inotify") continue;
            watches.AddRange(File.ReadAllLines($"/proc/{pid}/fdinfo/{Path.GetFileName(fd)}").Where(l => l.StartsWith("inotify wd:", StringComparison.Ordinal)));
        }
        return watches;
    }
}
