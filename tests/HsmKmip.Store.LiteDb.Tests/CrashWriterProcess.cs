using System.Diagnostics;
using HsmKmip.Store.LiteDb.CrashWriter;

namespace HsmKmip.Store.LiteDb.Tests;

/// <summary>Starts the crash writer (tests/HsmKmip.Store.LiteDb.CrashWriter) as a separate process.</summary>
public static class CrashWriterProcess
{
    public static Process Start(params string[] arguments) =>
        Process.Start(StartInfo(arguments)) ?? throw new InvalidOperationException("Cannot start the crash writer.");

    /// <summary>How the crash writer is started: the dotnet host, then its dll and <paramref name="arguments"/>.</summary>
    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, typeof(CrashObjects).Assembly.GetName().Name + ".dll");
        var start = new ProcessStartInfo(Environment.ProcessPath?.EndsWith("dotnet", StringComparison.Ordinal) == true ? Environment.ProcessPath : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        return start;
    }
}
