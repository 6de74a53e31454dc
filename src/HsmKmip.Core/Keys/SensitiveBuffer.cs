using System.Security.Cryptography;

namespace HsmKmip.Core.Keys;

/// <summary>
/// Plaintext key material on its way out of the HSM: lives only as long as one response needs it and is
/// zeroed on <see cref="Dispose"/>. The array is pinned so the GC never leaves a copy behind when it compacts.
/// </summary>
public sealed class SensitiveBuffer : IDisposable
{
    private byte[]? _data;

    public SensitiveBuffer(int length) => _data = GC.AllocateUninitializedArray<byte>(length, pinned: true);

    /// <summary>Copies <paramref name="source"/> into a new pinned buffer (the caller zeroes its own copy).</summary>
    public static SensitiveBuffer CopyOf(ReadOnlySpan<byte> source)
    {
        var buffer = new SensitiveBuffer(source.Length);
        source.CopyTo(buffer._data);
        return buffer;
    }

    public int Length => _data?.Length ?? throw new ObjectDisposedException(nameof(SensitiveBuffer));

    public Span<byte> Span => _data ?? throw new ObjectDisposedException(nameof(SensitiveBuffer));

    public Memory<byte> Memory => _data ?? throw new ObjectDisposedException(nameof(SensitiveBuffer));

    public void Dispose()
    {
        if (_data is null) return;
        CryptographicOperations.ZeroMemory(_data);
        _data = null;
    }
}
