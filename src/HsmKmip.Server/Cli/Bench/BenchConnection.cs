using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Server.Cli.Bench;

/// <summary>One bench connection: mutual TLS to the target, one request at a time, reconnecting per request with --new-connection.</summary>
internal sealed class BenchConnection(IPEndPoint server, BenchTarget target, BenchSettings settings) : IAsyncDisposable
{
    private SslStream? _stream;

    public byte[] Request(string op, string uid, byte[]? data = null, byte[]? iv = null) => BenchRequests.Build(settings.Version, op, uid, data, iv, settings.Offset);

    public async Task<TtlvElement> CallAsync(byte[] request, CancellationToken cancellationToken)
    {
        _stream ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
            return await ReadFrameAsync(_stream, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (settings.NewConnection) await ResetAsync().ConfigureAwait(false);
        }
    }

    public async Task ResetAsync()
    {
        if (_stream is not null) await _stream.DisposeAsync().ConfigureAwait(false);
        _stream = null;
    }

    public ValueTask DisposeAsync() => new(ResetAsync());

    /// <summary>Null when the (single) batch item succeeded, else its Result Reason and Result Message.</summary>
    public static string? Failure(TtlvElement response)
    {
        var item = response.Find(Tag.BatchItem);
        if (item?.Find(Tag.ResultStatus)?.AsEnum() == (uint)ResultStatus.Success) return null;
        var reason = item?.Find(Tag.ResultReason) is { } r ? ((ResultReason)r.AsEnum()).ToString() : "no Result Reason";
        return $"{reason}: {item?.Find(Tag.ResultMessage)?.AsText()}";
    }

    public static string CreatedUid(TtlvElement response) =>
        response.Find(Tag.BatchItem)?.Find(Tag.ResponsePayload)?.Find(Tag.UniqueIdentifier)?.AsText()
        ?? throw new IOException("The server's answer names no Unique Identifier.");

    private async Task<SslStream> ConnectAsync(CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.AddRange(target.Trust);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ClientCertificates = [target.Certificate],
                CertificateChainPolicy = policy,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return ssl;
    }

    private static async Task<TtlvElement> ReadFrameAsync(SslStream stream, CancellationToken cancellationToken)
    {
        var header = new byte[8];
        await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        int length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        if (length is < 0 or > 16 << 20) throw new IOException($"The server sent a frame of {length} bytes.");
        var frame = new byte[8 + length];
        header.CopyTo(frame, 0);
        await stream.ReadExactlyAsync(frame.AsMemory(8), cancellationToken).ConfigureAwait(false);
        return TtlvDecoder.Decode(frame);
    }
}
