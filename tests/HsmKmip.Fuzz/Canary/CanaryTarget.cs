using HsmKmip.Fuzz.Targets;

namespace HsmKmip.Fuzz.Canary;

/// <summary>
/// The canary's body, alone in its namespace so that fuzz.sh can instrument it: afl-fuzz refuses a target whose run
/// sets no coverage bit, and SharpFuzz's coverage map exists only once the fork server runs — instrumented code that
/// runs before (the target table's static initialiser) would abort the process.
/// </summary>
internal static class CanaryTarget
{
    public static void Run(byte[] input)
    {
        if (input.Length > 0 && input[0] != (byte)'A') throw new FuzzInvariantException("The canary input changed: afl-fuzz and SharpFuzz report crashes.");
    }
}
