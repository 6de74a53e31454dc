using System.Collections.Concurrent;
using System.Diagnostics;
using HsmKmip.Core.Keys;

namespace HsmKmip.Hsm.Pkcs11.Tests;

/// <summary>
/// GenerateSecret, WrapSecret, UnwrapSecret and GenerateRandom in turn, sorting each outcome: a success, an
/// Unavailable answer, or anything else (wrong). Every key produced is kept so that it can be unwrapped later.
/// </summary>
internal sealed class MixedLoad(IKeyBackend backend, WrappedKey reference, byte[] referenceMaterial)
{
    private int _succeeded;
    private int _unavailable;

    public ConcurrentQueue<(WrappedKey Key, byte[]? Material)> Produced { get; } = new();

    public ConcurrentQueue<Exception> Wrong { get; } = new();

    public int Succeeded => Volatile.Read(ref _succeeded);

    public int Unavailable => Volatile.Read(ref _unavailable);

    public static async Task<MixedLoad> StartAsync(IKeyBackend backend)
    {
        var material = Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 1)).ToArray();
        return new MixedLoad(backend, await backend.WrapSecretAsync(SecretKeyKind.Aes, material, default), material);
    }

    /// <summary>One operation; false when it answered Unavailable or went wrong.</summary>
    public async Task<bool> RunAsync(int thread, int i)
    {
        try
        {
            switch ((thread + i) % 4)
            {
                case 0:
                    Produced.Enqueue((await backend.GenerateSecretAsync(SecretKeyKind.Aes, 256, default), null));
                    break;
                case 1:
                    var material = new byte[] { (byte)thread, (byte)i, (byte)(i >> 8), 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
                    Produced.Enqueue((await backend.WrapSecretAsync(SecretKeyKind.Aes, material, default), material));
                    break;
                case 2:
                    using (var k = await backend.UnwrapSecretAsync(reference, default))
                    {
                        if (!k.Span.SequenceEqual(referenceMaterial)) throw new InvalidDataException("the reference key unwrapped to other bytes");
                    }
                    break;
                default:
                    if ((await backend.GenerateRandomAsync(32, default)).Length != 32) throw new InvalidDataException("short random");
                    break;
            }
            Interlocked.Increment(ref _succeeded);
            return true;
        }
        catch (KeyBackendException ex) when (ex.Error == KeyBackendError.Unavailable)
        {
            Interlocked.Increment(ref _unavailable);
            return false;
        }
        catch (Exception ex)
        {
            Wrong.Enqueue(ex);
            return false;
        }
    }

    /// <summary>Time until a round of 50 consecutive operations all succeed (gives up after 5 s).</summary>
    public async Task<TimeSpan> TimeToCleanRoundAsync(int thread = 0)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            bool clean = true;
            for (int i = 0; i < 50 && clean; i++) clean = await RunAsync(thread, i);
            if (clean) return watch.Elapsed;
        }
        return watch.Elapsed;
    }

    /// <summary>Unwraps every key produced; returns the ones that do not come back as they went in.</summary>
    public async Task<List<string>> CheckProducedAsync()
    {
        var bad = new List<string>();
        foreach (var (key, material) in Produced)
        {
            try
            {
                using var k = await backend.UnwrapSecretAsync(key, default);
                if (k.Length != key.LengthBytes || (material is not null && !k.Span.SequenceEqual(material)))
                {
                    bad.Add($"{key.Kind} {key.LengthBytes}: other bytes");
                }
            }
            catch (Exception ex)
            {
                bad.Add($"{key.Kind} {key.LengthBytes}: {ex.GetType().Name} {ex.Message}");
            }
        }
        return bad;
    }
}
