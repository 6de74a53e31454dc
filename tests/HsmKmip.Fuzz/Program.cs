using HsmKmip.Fuzz.Targets;
using SharpFuzz;

namespace HsmKmip.Fuzz;

/// <summary>
/// `dotnet HsmKmip.Fuzz.dll TARGET` runs TARGET under afl-fuzz (SharpFuzz's out-of-process fork server: a crash or a
/// stack overflow in the target restarts the child instead of ending the run). `seed DIR` writes the seed corpus;
/// `replay TARGET PATH...` runs files (or folders of files) in-process and reports every input that fails.
/// fuzz.sh beside this file drives all of it.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["seed", var directory, ..])
        {
            int perTarget = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 200;
            var oasis = Path.Combine(AppContext.BaseDirectory, "oasis-testcases");
            foreach (var (folder, count) in SeedCorpus.Write(directory, oasis, perTarget)) Console.WriteLine($"{folder}: {count} seeds");
            return 0;
        }
        if (args is ["replay", var name, .. var paths] && FuzzTargets.Find(name) is { } replayed)
        {
            var failures = Replay.Run(replayed, paths, Console.Out);
            return failures == 0 ? 0 : 1;
        }
        if (args is [var targetName] && FuzzTargets.Find(targetName) is { } target)
        {
            Fuzzer.OutOfProcess.Run(stream =>
            {
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                target.Run(buffer.ToArray());
            });
            return 0;
        }
        Console.Error.WriteLine($"usage: HsmKmip.Fuzz TARGET | seed DIR [PER_TARGET] | replay TARGET PATH...   (targets: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))})");
        return 2;
    }
}
