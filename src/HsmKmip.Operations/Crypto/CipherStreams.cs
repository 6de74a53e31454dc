using System.Collections.Concurrent;
using System.Security.Cryptography;
using HsmKmip.Core.Keys;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Crypto;

/// <summary>
/// Streamed Encrypt/Decrypt (KMIP 1.3+, 1.4 §4.29: Init Indicator, Final Indicator, Correlation Value). The HSM holds
/// no state between requests: CBC and ECB run on whole blocks with the chaining value carried here, CTR advances the
/// counter, and GCM and the key wraps (which need all the data at once) collect the data until the final request.
/// Streams are bounded in number and in collected data, belong to the client that opened them, and expire when idle.
/// </summary>
internal sealed class CipherStreams(ManagedObjects objects, TimeProvider time, int maxStreams = CipherStreams.DefaultMaxStreams, TimeSpan? idleLifetime = null)
{
    public const int DefaultMaxStreams = 256;

    /// <summary>Most data a GCM or key-wrap stream collects before its final request.</summary>
    public const int MaxCollected = 16 << 20;

    private readonly ConcurrentDictionary<string, CipherStream> _open = new(StringComparer.Ordinal);
    private readonly TimeSpan _idle = idleLifetime ?? TimeSpan.FromMinutes(5);

    /// <summary>What a request asks of streaming; null for a one-shot request.</summary>
    internal sealed record StreamRequest(bool Init, bool Final, byte[]? Continues);

    public static StreamRequest? Requested(OperationContext context, CipherRequest payload)
    {
        bool init = payload.InitIndicator ?? false;
        bool final = payload.FinalIndicator ?? false;
        var correlation = payload.CorrelationValue;
        if (!init && correlation is null && payload.FinalIndicator is null) return null;
        if (context.Version < KmipVersion.V1_3) throw KmipException.InvalidField("Streamed Encrypt/Decrypt needs KMIP 1.3 or later.");
        if (init && final) return null; // the whole stream in one request
        if (init && correlation is not null) throw KmipException.InvalidField("An Init Indicator request starts a stream and carries no Correlation Value.");
        if (!init && correlation is null) throw KmipException.InvalidField("A continued stream needs the Correlation Value the first response gave.");
        return new StreamRequest(init, final, correlation);
    }

    /// <summary>The key an open stream uses (a continuation may leave out the Unique Identifier).</summary>
    public string KeyOf(OperationContext context, byte[] correlation) => Find(context, correlation).ObjectId;

    public async ValueTask<CipherResponse> RunAsync(OperationContext context, ObjectView view, KeyReference key, CipherRequest payload, StreamRequest request, bool encrypt, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> data = payload.Data ?? [];
        CipherStream stream;
        byte[] correlation;
        if (request.Init)
        {
            Sweep();
            if (_open.Count >= maxStreams)
            {
                throw new KmipException(ResultReason.GeneralFailure, $"Too many open Encrypt/Decrypt streams ({maxStreams}); finish one or retry later.");
            }
            var parameters = KeyCryptographicParameters.Over(payload.Parameters, view);
            StreamCipherRefusal.Check(objects, view, parameters);
            var (mode, pad) = BlockCipherSetup.ModeOf(parameters, key.Wrapped.Kind);
            var setup = await SymmetricCipherCalls.SetUpAsync(objects, context, payload, parameters, mode, pad, encrypt, ReadOnlyMemory<byte>.Empty, streaming: true,
                BlockCipherSetup.BlockOf(key.Wrapped.Kind), cancellationToken).ConfigureAwait(false);
            stream = new CipherStream(context.Client.Identity, view.Stored.UniqueIdentifier, encrypt, setup);
            correlation = RandomNumberGenerator.GetBytes(16);
        }
        else
        {
            correlation = request.Continues!;
            stream = Take(context, correlation);
            if (stream.ObjectId != view.Stored.UniqueIdentifier || stream.Encrypt != encrypt)
            {
                stream.Dispose();
                throw KmipException.InvalidField("The Correlation Value belongs to a stream of another key or operation; that stream is closed now.");
            }
        }
        try
        {
            byte[] output = request.Final
                ? await FinishAsync(context, key, stream, payload, data, cancellationToken).ConfigureAwait(false)
                : await ContinueAsync(key, stream, data, cancellationToken).ConfigureAwait(false);
            if (!stream.Encrypt) context.TrackSensitive(output);
            var uid = stream.ObjectId;
            var answer = request.Final ? null : correlation;
            var response = stream.Encrypt
                ? SymmetricCipherCalls.EncryptResponse(context, uid, stream.Setup.Spec.Mode, request.Init ? stream.Setup : stream.Setup with { IvGenerated = false }, output, answer)
                : SymmetricCipherCalls.DecryptResponse(uid, output, answer);
            if (!request.Final)
            {
                stream.Touched = time.GetTimestamp();
                _open[Convert.ToHexString(correlation)] = stream;
            }
            else
            {
                stream.Dispose();
            }
            return response;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>A middle request: whole blocks go through the HSM now, the rest waits.</summary>
    private async ValueTask<byte[]> ContinueAsync(KeyReference key, CipherStream stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var spec = stream.Setup.Spec;
        stream.Append(data.Span);
        if (spec.Mode is SymmetricMode.Gcm or SymmetricMode.KeyWrap or SymmetricMode.KeyWrapPad)
        {
            if (stream.Pending.Length > MaxCollected)
            {
                throw KmipException.InvalidField($"A streamed {spec.Mode} collects at most {MaxCollected} bytes before its Final Indicator.");
            }
            if (spec.Mode != SymmetricMode.Gcm || !stream.Encrypt) return [];
            // GCM's ciphertext is CTR under the same IV, so bytes already encrypted do not change when more follow: the
            // token encrypts all that was collected, and the ciphertext not yet sent goes out now. The interim tag never
            // leaves this method. Decrypt keeps collecting: no plaintext before the tag is checked.
            var sofar = await objects.EncryptAsync(key, spec, stream.Pending, cancellationToken).ConfigureAwait(false);
            var fresh = sofar.AsSpan(stream.Emitted, stream.Pending.Length - stream.Emitted).ToArray();
            CryptographicOperations.ZeroMemory(sofar);
            stream.Emitted = stream.Pending.Length;
            return fresh;
        }
        int available = stream.Pending.Length;
        // A padded decrypt keeps its last block back: the padding is only known at the end.
        int block = stream.Setup.Block;
        int ready = spec.Pad && !stream.Encrypt ? Math.Max(0, (available - 1) / block * block) : available / block * block;
        if (ready == 0) return [];
        var chunk = stream.Pending[..ready];
        var blockSpec = spec with { Pad = false, Iv = stream.Chain };
        var output = stream.Encrypt
            ? await objects.EncryptAsync(key, blockSpec, chunk, cancellationToken).ConfigureAwait(false)
            : await objects.DecryptAsync(key, blockSpec, chunk, cancellationToken).ConfigureAwait(false);
        stream.Advance(ready, stream.Encrypt ? output : chunk);
        return output;
    }

    /// <summary>The final request: what is left (with padding, tag or the whole collected data) in one HSM call.</summary>
    private async ValueTask<byte[]> FinishAsync(OperationContext context, KeyReference key, CipherStream stream, CipherRequest payload, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        stream.Append(data.Span);
        var spec = stream.Setup.Spec with { Iv = stream.Chain };
        ReadOnlyMemory<byte> input = stream.Pending;
        if (spec.Mode == SymmetricMode.Gcm && !stream.Encrypt)
        {
            var (withTag, tagLength) = SymmetricCipherCalls.WithTag(context, payload, input, spec.TagLength);
            input = withTag;
            spec = spec with { TagLength = tagLength };
        }
        BlockCipherSetup.CheckLength(spec.Mode, spec.Pad, input.Length, stream.Encrypt, final: true, stream.Setup.Block);
        if (!stream.Encrypt) return await objects.DecryptAsync(key, spec, input, cancellationToken).ConfigureAwait(false);
        var output = await objects.EncryptAsync(key, spec, input, cancellationToken).ConfigureAwait(false);
        // A GCM stream sent part of its ciphertext already: the rest and the tag.
        return stream.Emitted == 0 ? output : output[stream.Emitted..];
    }

    private CipherStream Find(OperationContext context, byte[] correlation)
    {
        Sweep();
        if (!_open.TryGetValue(Convert.ToHexString(correlation), out var stream) || stream.Owner != context.Client.Identity)
        {
            throw NoStream();
        }
        return stream;
    }

    private CipherStream Take(OperationContext context, byte[] correlation)
    {
        var stream = Find(context, correlation);
        // Taken out while it runs: a concurrent request with the same Correlation Value finds no stream.
        if (!_open.TryRemove(new KeyValuePair<string, CipherStream>(Convert.ToHexString(correlation), stream))) throw NoStream();
        return stream;
    }

    private static KmipException NoStream() =>
        KmipException.InvalidField("The Correlation Value names no open stream of this client (it finished, failed or was idle too long).");

    private void Sweep()
    {
        var now = time.GetTimestamp();
        foreach (var (id, stream) in _open)
        {
            if (time.GetElapsedTime(stream.Touched, now) > _idle && _open.TryRemove(new KeyValuePair<string, CipherStream>(id, stream)))
            {
                stream.Dispose();
            }
        }
    }

    /// <summary>One open stream: the cipher set up at Init, the chaining value (CBC) or counter (CTR) so far, and data not yet processed.</summary>
    private sealed class CipherStream(string owner, string objectId, bool encrypt, SymmetricCipherCalls.Setup setup) : IDisposable
    {
        private byte[] _pending = [];

        public string Owner { get; } = owner;

        public string ObjectId { get; } = objectId;

        public bool Encrypt { get; } = encrypt;

        public SymmetricCipherCalls.Setup Setup { get; } = setup;

        public byte[]? Chain { get; private set; } = setup.Spec.Iv is { } iv ? (byte[])iv.Clone() : null;

        public long Touched { get; set; }

        /// <summary>GCM encrypt: how many bytes of ciphertext earlier answers carried.</summary>
        public int Emitted { get; set; }

        public byte[] Pending => _pending;

        public void Append(ReadOnlySpan<byte> data)
        {
            if (data.IsEmpty) return;
            var joined = new byte[_pending.Length + data.Length];
            _pending.CopyTo(joined, 0);
            data.CopyTo(joined.AsSpan(_pending.Length));
            CryptographicOperations.ZeroMemory(_pending);
            _pending = joined;
        }

        /// <summary>Drops <paramref name="count"/> processed bytes and moves the chaining value on.</summary>
        public void Advance(int count, ReadOnlySpan<byte> ciphertext)
        {
            var rest = _pending[count..];
            CryptographicOperations.ZeroMemory(_pending);
            _pending = rest;
            switch (Setup.Spec.Mode)
            {
                case SymmetricMode.Cbc:
                    Chain = ciphertext[^Setup.Block..].ToArray();
                    break;
                case SymmetricMode.Ctr:
                    // SP 800-38A B.1: the counter block increments by one per block, modulo 2^128.
                    var counter = Chain!;
                    for (int blocks = count / BlockCipherSetup.Block; blocks > 0; blocks--)
                    {
                        for (int i = counter.Length - 1; i >= 0 && ++counter[i] == 0; i--)
                        {
                        }
                    }
                    break;
            }
        }

        public void Dispose()
        {
            CryptographicOperations.ZeroMemory(_pending);
            _pending = [];
        }
    }
}
