using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Server.Cli;

/// <summary>
/// `hsmkmip bench`: drives a running server over mutual TLS with N concurrent connections and prints ops/s,
/// latency percentiles and (with --server-pid) the server's CPU time per operation.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Load a running HsmKmip server over mutual TLS and print ops/s, p50/p99 latency and, with --server-pid, server CPU time per operation.");
        var server = new Option<string>("--server") { Description = "HOST:PORT of the server. Default 127.0.0.1:5696.", DefaultValueFactory = _ => "127.0.0.1:5696" };
        var cert = new Option<string>("--cert") { Description = "Client certificate PEM. Default: the development bundle under --state-dir.", };
        var key = new Option<string>("--key") { Description = "Client key PEM." };
        var ca = new Option<string>("--ca") { Description = "CA that signed the server certificate." };
        var stateDir = new Option<string>("--state-dir") { Description = "State folder whose development bundle to use when --cert/--key/--ca are not given. Default ./var.", DefaultValueFactory = _ => "var" };
        var connections = new Option<int>("--connections") { Description = "Concurrent connections. Default 8.", DefaultValueFactory = _ => 8 };
        var seconds = new Option<int>("--seconds") { Description = "How long to run (after a 1 s warm-up). Default 10.", DefaultValueFactory = _ => 10 };
        var mix = new Option<string>("--mix") { Description = "Operations, comma-separated, run in turn: discover, query, create (AES-256), get (of a key each connection creates first), encrypt and decrypt (AES-256-CBC-PKCS5, 64 bytes, random IV, with a key each connection creates and activates first), mac (HMAC-SHA256 of 64 bytes, likewise), sign-rsa / sign-ec (RSA-2048 PKCS#1 v1.5 SHA-256 / ECDSA P-256 SHA-256 over 64 bytes, with a pair each connection creates and activates first) and verify-rsa / verify-ec (Signature Verify of a signature made first). Default discover.", DefaultValueFactory = _ => "discover" };
        var reconnect = new Option<bool>("--new-connection") { Description = "Open a new TLS connection for every request (as vSphere and libmongocrypt do)." };
        var serverPid = new Option<int?>("--server-pid") { Description = "PID of the server process, to report its CPU time per operation (read from /proc)." };
        foreach (var o in new Option[] { server, cert, key, ca, stateDir, connections, seconds, mix, reconnect, serverPid }) command.Options.Add(o);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var state = parse.GetValue(stateDir)!;
            var bundle = Path.Combine(state, "tls", "clients", Tls.DevelopmentCertificates.DefaultClientName);
            var settings = new BenchSettings(
                Configuration.ServerOptionsLoader.ParseEndpoint(parse.GetValue(server)!),
                parse.GetValue(cert) ?? Path.Combine(bundle, "client.crt"),
                parse.GetValue(key) ?? Path.Combine(bundle, "client.key"),
                parse.GetValue(ca) ?? Path.Combine(bundle, "ca.crt"),
                Math.Max(1, parse.GetValue(connections)),
                TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(seconds))),
                parse.GetValue(mix)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                parse.GetValue(reconnect),
                parse.GetValue(serverPid));
            try
            {
                await RunAsync(settings, parse.InvocationConfiguration.Output, cancellationToken).ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is IOException or SocketException or System.Security.Authentication.AuthenticationException or ArgumentException or Configuration.ConfigurationException or System.Security.Cryptography.CryptographicException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"hsmkmip bench: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private sealed record BenchSettings(System.Net.IPEndPoint Server, string Cert, string Key, string Ca, int Connections, TimeSpan Duration, string[] Mix, bool NewConnection, int? ServerPid);

    private static async Task RunAsync(BenchSettings s, TextWriter output, CancellationToken cancellationToken)
    {
        using var certificate = X509Certificate2.CreateFromPemFile(s.Cert, s.Key);
        var trust = new X509Certificate2Collection();
        trust.ImportFromPemFile(s.Ca);
        foreach (var op in s.Mix) _ = BuildRequest(op, "check");
        var requests = s.Mix.Select(op => (Name: op, Bytes: Array.Empty<byte>())).ToArray();
        var latencies = requests.ToDictionary(r => r.Name, _ => new List<double>());
        long errors = 0;
        var warmUpEnd = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        var end = warmUpEnd + (long)(s.Duration.TotalSeconds * Stopwatch.Frequency);
        long cpuBefore = 0;
        var cpuSampled = false;

        async Task Worker(int index)
        {
            SslStream? stream = null;
            var local = requests.ToDictionary(r => r.Name, _ => new List<double>());
            int turn = index;
            var prepared = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var keys = new Dictionary<string, string>(StringComparer.Ordinal);
            try
            {
                while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
                {
                    var name = requests[turn++ % requests.Length].Name;
                    long started = Stopwatch.GetTimestamp();
                    try
                    {
                        stream ??= await ConnectAsync(s.Server, certificate, trust, cancellationToken).ConfigureAwait(false);
                        if (!prepared.TryGetValue(name, out var bytes))
                        {
                            bytes = await PrepareAsync(name, stream, keys, cancellationToken).ConfigureAwait(false);
                            prepared[name] = bytes;
                            started = Stopwatch.GetTimestamp();
                        }
                        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                        var response = await ReadFrameAsync(stream, cancellationToken).ConfigureAwait(false);
                        if (!IsSuccess(response)) Interlocked.Increment(ref errors);
                    }
                    catch (IOException)
                    {
                        Interlocked.Increment(ref errors);
                        if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
                        stream = null;
                    }
                    long finished = Stopwatch.GetTimestamp();
                    if (started >= warmUpEnd) local[name].Add((finished - started) * 1000.0 / Stopwatch.Frequency);
                    if (s.NewConnection && stream is not null)
                    {
                        await stream.DisposeAsync().ConfigureAwait(false);
                        stream = null;
                    }
                }
            }
            finally
            {
                if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
                lock (latencies)
                {
                    foreach (var (name, list) in local) latencies[name].AddRange(list);
                }
            }
        }

        var sampler = Task.Run(async () =>
        {
            var delay = TimeSpan.FromTicks(Math.Max(0, (warmUpEnd - Stopwatch.GetTimestamp()) * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            if (s.ServerPid is { } pid) { cpuBefore = CpuTicks(pid); cpuSampled = true; }
        }, cancellationToken);
        await Task.WhenAll(Enumerable.Range(0, s.Connections).Select(Worker).Append(sampler)).ConfigureAwait(false);
        long cpuAfter = s.ServerPid is { } p && cpuSampled ? CpuTicks(p) : 0;

        int total = latencies.Values.Sum(l => l.Count);
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"server {s.Server}, {s.Connections} connections{(s.NewConnection ? ", new TLS connection per request" : ", persistent")}, {s.Duration.TotalSeconds:0} s after 1 s warm-up"));
        output.WriteLine(string.Create(inv, $"total: {total} ops, {total / s.Duration.TotalSeconds:0} ops/s, {errors} errors"));
        foreach (var (name, list) in latencies)
        {
            list.Sort();
            if (list.Count == 0) continue;
            output.WriteLine(string.Create(inv, $"{name,-10} {list.Count,8} ops {list.Count / s.Duration.TotalSeconds,9:0} ops/s  p50 {Percentile(list, 0.50),7:0.000} ms  p99 {Percentile(list, 0.99),7:0.000} ms  max {list[^1],7:0.000} ms"));
        }
        if (s.ServerPid is not null && total > 0)
        {
            double cpuMs = (cpuAfter - cpuBefore) * 1000.0 / 100; // USER_HZ is 100 on Linux
            output.WriteLine(string.Create(inv, $"server CPU: {cpuMs:0} ms in all, {cpuMs * 1000 / total:0.0} µs per operation"));
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private static long CpuTicks(int pid)
    {
        // /proc/PID/stat fields 14 and 15: utime and stime in clock ticks (after the parenthesised command name).
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A worker's request for <paramref name="op"/>, made once per connection: Get reads a key the connection creates;
    /// Encrypt, Decrypt and MAC use an active key it creates (Decrypt a ciphertext it encrypts first); Sign an active
    /// key pair it creates, Signature Verify the public half on a signature it makes first.
    /// </summary>
    private static async Task<byte[]> PrepareAsync(string op, SslStream stream, Dictionary<string, string> keys, CancellationToken cancellationToken)
    {
        async Task<TtlvElement> Call(byte[] request)
        {
            await stream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
            var response = await ReadFrameAsync(stream, cancellationToken).ConfigureAwait(false);
            if (!IsSuccess(response)) throw new IOException($"The server refused the bench's set-up for {op}.");
            return response.Find(Tag.BatchItem)!.Find(Tag.ResponsePayload)!;
        }
        async Task<string> Key(string kind)
        {
            if (keys.TryGetValue(kind, out var existing)) return existing;
            var created = await Call(BuildRequest(kind, "")).ConfigureAwait(false);
            var uid = (created.Find(Tag.UniqueIdentifier) ?? created.Find(Tag.PrivateKeyUniqueIdentifier))!.AsText();
            if (kind != "create") await Call(BuildRequest("activate", uid)).ConfigureAwait(false);
            if (created.Find(Tag.PublicKeyUniqueIdentifier) is { } publicKey)
            {
                await Call(BuildRequest("activate", publicKey.AsText())).ConfigureAwait(false);
                keys[kind + "-public"] = publicKey.AsText();
            }
            keys[kind] = uid;
            return uid;
        }
        switch (op)
        {
            case "get":
                return BuildRequest("get", await Key("create").ConfigureAwait(false));
            case "encrypt":
                return BuildRequest("encrypt", await Key("create-aes").ConfigureAwait(false));
            case "decrypt":
                var aes = await Key("create-aes").ConfigureAwait(false);
                var encrypted = await Call(BuildRequest("encrypt", aes)).ConfigureAwait(false);
                return BuildRequest("decrypt", aes, encrypted.Find(Tag.Data)!.AsBytes().ToArray(), encrypted.Find(Tag.IVCounterNonce)!.AsBytes().ToArray());
            case "mac":
                return BuildRequest("mac", await Key("create-hmac").ConfigureAwait(false));
            case "sign-rsa" or "sign-ec":
                return BuildRequest(op, await Key("create-pair-" + op[5..]).ConfigureAwait(false));
            case "verify-rsa" or "verify-ec":
                var family = op[7..];
                var signed = await Call(BuildRequest("sign-" + family, await Key("create-pair-" + family).ConfigureAwait(false))).ConfigureAwait(false);
                return BuildRequest(op, keys["create-pair-" + family + "-public"], signed.Find(Tag.SignatureData)!.AsBytes().ToArray());
            default:
                return BuildRequest(op, "");
        }
    }

    private static readonly byte[] BenchData = new byte[64];

    private static byte[] BuildRequest(string op, string uid, byte[]? data = null, byte[]? iv = null)
    {
        static TtlvElement Attribute(string name, TtlvElement value) => TtlvElement.Structure(Tag.Attribute, TtlvElement.Text(Tag.AttributeName, name), value);
        var (operation, payload) = op switch
        {
            "create" => (Operation.Create, TtlvElement.Structure(Tag.RequestPayload,
                TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
                TtlvElement.Structure(Tag.TemplateAttribute,
                    Attribute("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
                    Attribute("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 256))))),
            "get" => (Operation.Get, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, uid))),
            "create-aes" or "create-hmac" => (Operation.Create, TtlvElement.Structure(Tag.RequestPayload,
                TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
                TtlvElement.Structure(Tag.TemplateAttribute,
                    Attribute("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)(op == "create-aes" ? CryptographicAlgorithm.AES : CryptographicAlgorithm.HMAC_SHA256))),
                    Attribute("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 256))))),
            "activate" => (Operation.Activate, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, uid))),
            // MongoDB's delegated encryption: AES-CBC-PKCS5 with a server-made IV.
            "encrypt" => (Operation.Encrypt, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, uid),
                TtlvElement.Structure(Tag.CryptographicParameters, TtlvElement.Enumeration(Tag.BlockCipherMode, (uint)BlockCipherMode.CBC),
                    TtlvElement.Enumeration(Tag.PaddingMethod, (uint)PaddingMethod.PKCS5), TtlvElement.Boolean(Tag.RandomIV, true)),
                TtlvElement.Bytes(Tag.Data, BenchData))),
            "decrypt" => (Operation.Decrypt, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, uid),
                TtlvElement.Structure(Tag.CryptographicParameters, TtlvElement.Enumeration(Tag.BlockCipherMode, (uint)BlockCipherMode.CBC),
                    TtlvElement.Enumeration(Tag.PaddingMethod, (uint)PaddingMethod.PKCS5)),
                TtlvElement.Bytes(Tag.Data, data ?? new byte[80]), TtlvElement.Bytes(Tag.IVCounterNonce, iv ?? new byte[16]))),
            "mac" => (Operation.MAC, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, uid), TtlvElement.Bytes(Tag.Data, BenchData))),
            "create-pair-rsa" or "create-pair-ec" => (Operation.CreateKeyPair, TtlvElement.Structure(Tag.RequestPayload,
                TtlvElement.Structure(Tag.CommonTemplateAttribute,
                    Attribute("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)(op == "create-pair-rsa" ? CryptographicAlgorithm.RSA : CryptographicAlgorithm.EC))),
                    Attribute("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, op == "create-pair-rsa" ? 2048 : 256))),
                TtlvElement.Structure(Tag.PrivateKeyTemplateAttribute, Attribute("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)CryptographicUsageMask.Sign))),
                TtlvElement.Structure(Tag.PublicKeyTemplateAttribute, Attribute("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, (int)CryptographicUsageMask.Verify))))),
            "sign-rsa" or "sign-ec" => (Operation.Sign, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, uid),
                SignatureParameters(op), TtlvElement.Bytes(Tag.Data, BenchData))),
            "verify-rsa" or "verify-ec" => (Operation.SignatureVerify, TtlvElement.Structure(Tag.RequestPayload, TtlvElement.Text(Tag.UniqueIdentifier, uid),
                SignatureParameters(op), TtlvElement.Bytes(Tag.Data, BenchData), TtlvElement.Bytes(Tag.SignatureData, data ?? []))),
            "discover" => (Operation.DiscoverVersions, TtlvElement.Structure(Tag.RequestPayload)),
            "query" => (Operation.Query, TtlvElement.Structure(Tag.RequestPayload,
                TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryOperations),
                TtlvElement.Enumeration(Tag.QueryFunction, (uint)QueryFunction.QueryServerInformation))),
            _ => throw new ArgumentException($"Unknown operation '{op}' in --mix; use discover, query, create, get, encrypt, decrypt, mac, sign-rsa, sign-ec, verify-rsa or verify-ec."),
        };
        return TtlvWriter.Encode(TtlvElement.Structure(Tag.RequestMessage,
            TtlvElement.Structure(Tag.RequestHeader, ProtocolVersions.ToTtlv(KmipVersion.V1_4), TtlvElement.Integer(Tag.BatchCount, 1)),
            TtlvElement.Structure(Tag.BatchItem, TtlvElement.Enumeration(Tag.Operation, (uint)operation), payload)));
    }

    private static TtlvElement SignatureParameters(string op) => TtlvElement.Structure(Tag.CryptographicParameters,
        op.EndsWith("-rsa", StringComparison.Ordinal) ? TtlvElement.Enumeration(Tag.PaddingMethod, (uint)PaddingMethod.PKCS1V1_5) : null,
        TtlvElement.Enumeration(Tag.HashingAlgorithm, (uint)HashingAlgorithm.SHA_256));

    private static bool IsSuccess(TtlvElement response) =>
        response.Find(Tag.BatchItem)?.Find(Tag.ResultStatus)?.AsEnum() == (uint)ResultStatus.Success;

    private static async Task<SslStream> ConnectAsync(System.Net.IPEndPoint server, X509Certificate2 certificate, X509Certificate2Collection trust, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.AddRange(trust);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = [certificate],
            CertificateChainPolicy = policy,
        }, cancellationToken).ConfigureAwait(false);
        return ssl;
    }

    private static async Task<TtlvElement> ReadFrameAsync(SslStream stream, CancellationToken cancellationToken)
    {
        var header = new byte[8];
        await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        var frame = new byte[8 + length];
        header.CopyTo(frame, 0);
        await stream.ReadExactlyAsync(frame.AsMemory(8), cancellationToken).ConfigureAwait(false);
        return TtlvDecoder.Decode(frame);
    }
}
