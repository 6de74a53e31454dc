using System.Diagnostics;
using System.Globalization;
using HsmKmip.Server.Tests;
using Xunit;

namespace HsmKmip.Packaging.Tests;

/// <summary>
/// A copy-on-write view of this machine that the package tests install into, so that `tests/run` as root leaves no
/// package, user or file behind: an overlay whose lower layer is <c>/</c> and whose upper layer is a temporary folder,
/// mounted in a private mount namespace (<c>unshare --mount</c>) with <c>/proc</c>, <c>/sys</c> and <c>/dev</c> bound in,
/// and a holder process chrooted into it. Commands run inside with <c>nsenter</c> into the holder's namespace and root;
/// the test reads inside files through <c>/proc/PID/root</c>. Same network namespace, so a daemon inside listens on
/// this machine's loopback. Disposing kills the holder (the namespace and its mounts go with the last process in it)
/// and deletes the upper layer. debootstrap would make a clean root too, but takes minutes per run.
/// </summary>
public sealed class ThrowawayRoot : IAsyncDisposable
{
    // Runs inside the new mount namespace: `mount --make-rprivate` comes from unshare's --propagation private, so
    // nothing mounted here is seen outside.
    private const string Holder = """
        set -e
        d="$1"
        mount -t overlay overlay -o "lowerdir=/,upperdir=$d/upper,workdir=$d/work" "$d/root"
        for m in proc sys dev; do mount --rbind "/$m" "$d/root/$m"; done
        echo $$ > "$d/pid.tmp" && mv "$d/pid.tmp" "$d/pid"
        exec chroot "$d/root" sleep infinity
        """;

    private readonly string _folder;
    private readonly Process _unshare;

    private ThrowawayRoot(string folder, Process unshare, int pid)
    {
        _folder = folder;
        _unshare = unshare;
        Pid = pid;
    }

    /// <summary>The holder process, chrooted into the overlay inside the namespace.</summary>
    public int Pid { get; }

    /// <summary>Where the test sees <paramref name="path"/> of the throwaway root.</summary>
    public string HostPath(string path) => $"/proc/{Pid.ToString(CultureInfo.InvariantCulture)}/root{path}";

    /// <summary>The upper layer: every file the tests created or changed, and nothing else.</summary>
    public string Changes => Path.Combine(_folder, "upper");

    public static async Task<ThrowawayRoot> CreateAsync()
    {
        var folder = Directory.CreateTempSubdirectory("hsmkmip-root-").FullName;
        foreach (var d in new[] { "upper", "work", "root" }) Directory.CreateDirectory(Path.Combine(folder, d));
        var unshare = Process.Start(new ProcessStartInfo("unshare")
        {
            ArgumentList = { "--mount", "--propagation", "private", "--fork", "--", "/bin/sh", "-c", Holder, "holder", folder },
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var pidFile = Path.Combine(folder, "pid");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!File.Exists(pidFile))
        {
            if (unshare.HasExited || DateTime.UtcNow > deadline)
            {
                var why = unshare.HasExited ? await unshare.StandardError.ReadToEndAsync() : "no holder after 30 s";
                throw new InvalidOperationException($"Cannot make the throwaway root (unshare + overlay of /): {why}");
            }
            await Task.Delay(50);
        }
        return new ThrowawayRoot(folder, unshare, int.Parse(await File.ReadAllTextAsync(pidFile), CultureInfo.InvariantCulture));
    }

    /// <summary>How to start <paramref name="file"/> inside (working directory <c>/</c>; the caller sets the environment).</summary>
    public ProcessStartInfo StartInfo(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("nsenter") { UseShellExecute = false };
        // Without --fork, nsenter execs the command: its pid is the one the caller holds.
        foreach (var a in new[] { "--target", Pid.ToString(CultureInfo.InvariantCulture), "--mount", "--root", "--wd=/", "--", file }.Concat(arguments))
        {
            start.ArgumentList.Add(a);
        }
        return start;
    }

    /// <summary>Runs a command inside; fails the test with its output when it exits non-zero.</summary>
    public async Task<ProcessRunner.Result> Run(string file, string[] arguments, TimeSpan? timeout = null)
    {
        var result = await RunUnchecked(file, arguments, timeout);
        Assert.True(result.ExitCode == 0, $"(throwaway root) {file} {string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.Stdout}\n{result.Stderr}");
        return result;
    }

    /// <summary>Runs a command inside and returns what it did.</summary>
    public Task<ProcessRunner.Result> RunUnchecked(string file, string[] arguments, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync("nsenter", ["--target", Pid.ToString(CultureInfo.InvariantCulture), "--mount", "--root", "--wd=/", "--", file, .. arguments],
            timeout: timeout ?? TimeSpan.FromMinutes(2));

    public async ValueTask DisposeAsync()
    {
        try
        {
            _unshare.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        await _unshare.WaitForExitAsync();
        _unshare.Dispose();
        // The namespace, and the overlay with it, are gone once its last process is: the folder is plain files now.
        Directory.Delete(_folder, recursive: true);
    }
}
