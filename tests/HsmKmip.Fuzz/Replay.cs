using HsmKmip.Fuzz.Targets;

namespace HsmKmip.Fuzz;

/// <summary>Runs saved inputs (crashes afl++ found, the regression folder, a corpus) through a target in-process.</summary>
public static class Replay
{
    /// <summary>The files under <paramref name="paths"/> (files or folders, README files skipped), in name order.</summary>
    public static IEnumerable<string> Inputs(IEnumerable<string> paths) =>
        paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p])
            .Where(f => !Path.GetFileName(f).StartsWith("README", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    /// <summary>Runs each input; writes one line per failing input and returns how many failed.</summary>
    public static int Run(FuzzTarget target, IEnumerable<string> paths, TextWriter output)
    {
        int failures = 0;
        foreach (var file in Inputs(paths))
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                failures++;
                output.WriteLine($"{target.Name} {file}: {e.GetType().Name}: {e.Message}");
            }
        }
        return failures;
    }
}
