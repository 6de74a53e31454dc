using System.Security.Cryptography;

namespace HsmKmip.Operations;

/// <summary>
/// Request identifiers for the audit records: 32 lowercase hex digits, as <c>Guid.ToString("N")</c> gave, made of 64
/// random bits drawn once per process and a 64-bit counter. They only have to be unique, not unpredictable: a
/// Guid.NewGuid per request read /dev/urandom with one read(2) system call per request (about 1 % of a Get's server CPU,
/// docs/performance.md). Two processes share a prefix with probability 2^-64.
/// </summary>
internal static class RequestIds
{
    private static readonly ulong s_prefix = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    private static long s_counter;

    public static string Next()
    {
        ulong counter = (ulong)Interlocked.Increment(ref s_counter);
        return string.Create(32, counter, static (span, n) =>
        {
            s_prefix.TryFormat(span[..16], out _, "x16", System.Globalization.CultureInfo.InvariantCulture);
            n.TryFormat(span[16..], out _, "x16", System.Globalization.CultureInfo.InvariantCulture);
        });
    }
}
