using System.Diagnostics;

namespace HsmKmip.Tests.Opencryptoki;

/// <summary>
/// opencryptoki's soft token for one test process (opencryptoki/swtok.sh beside the test assembly). Its token store,
/// lock folders and pkcsslotd are system-wide (Debian's 3.8.1 has the paths compiled in), while CI runs every test
/// project at once: each process holds an exclusive lock on <see cref="LockFile"/> from <c>up</c> to <c>down</c>, and
/// another waits for it (up to <paramref name="wait"/>) instead of re-initialising the token under the first one.
/// </summary>
public sealed class Swtok : IDisposable
{
    /// <summary>The lock every test process takes around its swtok run.</summary>
    public const string LockFile = "/run/lock/hsmkmip-swtok-tests.lock";

    private readonly FileStream _lease;
    private readonly string _folder;
    private bool _disposed;

    private Swtok(FileStream lease, string label, string folder, string pinFile, string modulePath)
    {
        _lease = lease;
        Label = label;
        _folder = folder;
        PinFile = pinFile;
        ModulePath = modulePath;
    }

    public string Label { get; }

    public string PinFile { get; }

    public string ModulePath { get; }

    /// <summary>Waits for the lock, then initialises the token with a fresh label and user PIN and starts pkcsslotd.</summary>
    public static Swtok Up(TimeSpan wait)
    {
        if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("USER") != "root")
        {
            throw new InvalidOperationException("opencryptoki's token store and daemon live in system folders: these tests run as root (CI does).");
        }
        var lease = TakeLock(wait);
        var folder = Directory.CreateTempSubdirectory("hsmkmip-ock-").FullName;
        try
        {
            var pinFile = Path.Combine(folder, "pin");
            File.WriteAllText(pinFile, Convert.ToHexString(Guid.NewGuid().ToByteArray())[..8]);
            var label = "ock" + Guid.NewGuid().ToString("N")[..8];
            var (code, stdout, stderr) = Run("up", label, pinFile);
            // The module path is the last line swtok.sh writes to standard output.
            var modulePath = stdout.Trim().Split('\n')[^1].Trim();
            if (code != 0 || !File.Exists(modulePath))
            {
                Run("down");
                throw new InvalidOperationException($"swtok.sh up failed ({code}):\n{stdout}{stderr}");
            }
            return new Swtok(lease, label, folder, pinFile, modulePath);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            lease.Dispose();
            throw;
        }
    }

    private static FileStream TakeLock(TimeSpan wait)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive flock on Linux: released by the kernel if this process dies.
                return new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (deadline.Elapsed < wait)
            {
                Thread.Sleep(250);
            }
            catch (IOException e)
            {
                throw new TimeoutException($"Waited {wait.TotalSeconds:0} s for another test process to finish with opencryptoki's swtok (lock {LockFile}).", e);
            }
        }
    }

    /// <summary>Stops the pkcsslotd that <see cref="Up"/> started, empties the token store and lets the next process in.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            Run("down");
            Directory.Delete(_folder, recursive: true);
        }
        finally
        {
            _lease.Dispose();
        }
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "opencryptoki", "swtok.sh"));
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }
}
