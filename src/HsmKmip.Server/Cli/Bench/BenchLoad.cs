using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Server.Cli.Bench;

/// <summary>
/// The server(s) the bench loads: where, with which client certificate and trust, and their PIDs for CPU figures.
/// Several endpoints are nodes of one cluster: connection i goes to endpoint i mod n, and the CPU figure sums every PID.
/// </summary>
internal sealed record BenchTarget(string Name, IReadOnlyList<IPEndPoint> Servers, X509Certificate2 Certificate, X509Certificate2Collection Trust, IReadOnlyList<int> Pids)
{
    public BenchTarget(string name, IPEndPoint server, X509Certificate2 certificate, X509Certificate2Collection trust, int? pid)
        : this(name, [server], certificate, trust, pid is { } p ? [p] : []) { }

    /// <summary>The endpoints as the output names them: HOST:PORT, comma-separated.</summary>
    public string Describe() => string.Join(',', Servers.Select(s => s.ToString()));
}

/// <summary>What one load run measured.</summary>
internal sealed record BenchResult(BenchTarget Target, Dictionary<string, List<double>> Latencies, long Errors, string? FirstError,
    double? ServerCpuMs, TimeSpan Duration, int Destroyed, int DestroyFailed, TimeSpan CleanupTime, bool CleanedUp)
{
    public int Total => Latencies.Values.Sum(l => l.Count);

    public double OpsPerSecond => Total / Duration.TotalSeconds;

    public double? CpuMicrosecondsPerOp => ServerCpuMs is { } ms && Total > 0 ? ms * 1000 / Total : null;
}

/// <summary>
/// One load run: N connections, each running the mix in turn for the duration after the warm-up; then, unless told
/// not to, every object the run created is destroyed (Revoke first where it was activated), untimed.
/// </summary>
internal static class BenchLoad
{
    public static async Task<BenchResult> RunAsync(BenchTarget target, BenchSettings s, CancellationToken cancellationToken)
    {
        var latencies = s.Mix.Distinct().ToDictionary(op => op, _ => new List<double>());
        long errors = 0;
        string? firstError = null;
        var warmUpEnd = Stopwatch.GetTimestamp() + (long)(s.WarmUp.TotalSeconds * Stopwatch.Frequency);
        var end = warmUpEnd + (long)(s.Duration.TotalSeconds * Stopwatch.Frequency);
        long cpuBefore = 0, cpuAfter = 0;
        var created = new List<(string Uid, bool Active)>();
        int destroyed = 0, destroyFailed = 0;
        long nextName = s.NameStart;

        void Fail(string message)
        {
            Interlocked.Increment(ref errors);
            Interlocked.CompareExchange(ref firstError, message, null);
        }

        var cleanupGate = new Gate(s.Connections);

        async Task Worker(int index)
        {
            bool arrived = false;
            var connection = new BenchConnection(target.Servers[index % target.Servers.Count], target, s);
            var mine = new List<(string Uid, bool Active)>();
            var local = latencies.Keys.ToDictionary(k => k, _ => new List<double>());
            var prepared = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var keys = new Dictionary<string, string>(StringComparer.Ordinal);
            var secret = RandomNumberGenerator.GetBytes(96);
            int turn = index;
            try
            {
                while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
                {
                    var name = s.Mix[turn++ % s.Mix.Length];
                    long started = Stopwatch.GetTimestamp();
                    try
                    {
                        if (name is not ("create" or "create-named" or "locate-name" or "register-activate-get") && !prepared.ContainsKey(name))
                        {
                            prepared[name] = await PrepareAsync(name, connection, keys, mine, cancellationToken).ConfigureAwait(false);
                            started = Stopwatch.GetTimestamp();
                        }
                        var outcome = name switch
                        {
                            "create" => await CreateAsync(connection, mine, null, cancellationToken).ConfigureAwait(false),
                            "register-activate-get" => await FlowAsync(connection, secret, mine, cancellationToken).ConfigureAwait(false),
                            "create-named" => await CreateAsync(connection, mine, BenchRequests.KeyName(Interlocked.Increment(ref nextName) - 1), cancellationToken).ConfigureAwait(false),
                            "locate-name" => await LocateNameAsync(connection, BenchRequests.KeyName(s.NameStart + Random.Shared.NextInt64(s.Names)), cancellationToken).ConfigureAwait(false),
                            "locate-type" when s.Offset > 0 => DeepPage(await connection.CallAsync(prepared[name], cancellationToken).ConfigureAwait(false), s.Offset),
                            _ => BenchConnection.Failure(await connection.CallAsync(prepared[name], cancellationToken).ConfigureAwait(false)),
                        };
                        if (outcome is not null) Fail($"{name}: {outcome}");
                    }
                    catch (Exception e) when (e is IOException or SocketException or System.Security.Authentication.AuthenticationException or TtlvFormatException)
                    {
                        Fail($"{name}: {e.Message}");
                        await connection.ResetAsync().ConfigureAwait(false);
                    }
                    long finished = Stopwatch.GetTimestamp();
                    if (started >= warmUpEnd && finished <= end) local[name].Add((finished - started) * 1000.0 / Stopwatch.Frequency);
                }
                lock (latencies)
                {
                    foreach (var (name, list) in local) latencies[name].AddRange(list);
                }
                // Wait for the others so that the CPU sample at the end covers only the timed load, not the cleanup.
                arrived = true;
                await cleanupGate.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (s.Cleanup)
                {
                    foreach (var (uid, active) in mine)
                    {
                        if (await DestroyAsync(connection, uid, active, cancellationToken).ConfigureAwait(false)) Interlocked.Increment(ref destroyed);
                        else Interlocked.Increment(ref destroyFailed);
                    }
                }
                else
                {
                    lock (created) created.AddRange(mine);
                }
            }
            finally
            {
                if (!arrived) _ = cleanupGate.WaitAsync(CancellationToken.None);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        var sampler = Task.Run(async () =>
        {
            await DelayUntil(warmUpEnd, cancellationToken).ConfigureAwait(false);
            cpuBefore = target.Pids.Sum(CpuTicks);
            await DelayUntil(end, cancellationToken).ConfigureAwait(false);
            await cleanupGate.AllArrived.WaitAsync(cancellationToken).ConfigureAwait(false);
            cpuAfter = target.Pids.Sum(CpuTicks);
            cleanupGate.Open();
        }, cancellationToken);
        var workers = Enumerable.Range(0, s.Connections).Select(Worker).ToArray();
        await cleanupGate.AllArrived.WaitAsync(cancellationToken).ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        var cleanupStarted = Stopwatch.GetTimestamp();
        await Task.WhenAll(workers).ConfigureAwait(false);
        var cleanupTime = Stopwatch.GetElapsedTime(cleanupStarted);
        double? cpuMs = target.Pids.Count == 0 ? null : (cpuAfter - cpuBefore) * 1000.0 / 100; // USER_HZ is 100 on Linux
        foreach (var list in latencies.Values) list.Sort();
        return new BenchResult(target, latencies, errors, firstError, cpuMs, s.Duration, destroyed, destroyFailed, cleanupTime, s.Cleanup);
    }

    /// <summary>Create AES-256 (with <paramref name="name"/> as its Name if given); the new key is remembered for the cleanup. Null on success, else the failure.</summary>
    private static async Task<string?> CreateAsync(BenchConnection connection, List<(string, bool)> mine, string? name, CancellationToken cancellationToken)
    {
        var response = await connection.CallAsync(name is null ? connection.Request("create", "") : connection.Request("create-named", name), cancellationToken).ConfigureAwait(false);
        if (BenchConnection.Failure(response) is { } failure) return failure;
        mine.Add((BenchConnection.CreatedUid(response), false));
        return null;
    }

    /// <summary>Locate by exact Name: a failure unless exactly one key answers (the names are unique).</summary>
    private static async Task<string?> LocateNameAsync(BenchConnection connection, string name, CancellationToken cancellationToken)
    {
        var response = await connection.CallAsync(connection.Request("locate-name", name), cancellationToken).ConfigureAwait(false);
        if (BenchConnection.Failure(response) is { } failure) return failure;
        var found = response.Find(Tag.BatchItem)?.Find(Tag.ResponsePayload)?.FindAll(Tag.UniqueIdentifier).Count() ?? 0;
        return found == 1 ? null : $"Locate by Name {name} found {found} objects, not 1";
    }

    /// <summary>A Locate page at Offset Items: a failure when it comes back empty (the offset is past the client's keys).</summary>
    private static string? DeepPage(TtlvElement response, int offset)
    {
        if (BenchConnection.Failure(response) is { } failure) return failure;
        var found = response.Find(Tag.BatchItem)?.Find(Tag.ResponsePayload)?.FindAll(Tag.UniqueIdentifier).Count() ?? 0;
        return found > 0 ? null : $"Locate by Object Type at Offset {offset} found 0 objects: the store holds no more than {offset} of them";
    }

    /// <summary>libmongocrypt's data-key flow (PLATFORM-NOTES): Register 96 bytes of Secret Data, Activate it, Get it back.</summary>
    private static async Task<string?> FlowAsync(BenchConnection connection, byte[] secret, List<(string, bool)> mine, CancellationToken cancellationToken)
    {
        var registered = await connection.CallAsync(connection.Request("register-secret", "", secret), cancellationToken).ConfigureAwait(false);
        if (BenchConnection.Failure(registered) is { } failure) return "Register " + failure;
        var uid = BenchConnection.CreatedUid(registered);
        mine.Add((uid, false));
        if (BenchConnection.Failure(await connection.CallAsync(connection.Request("activate", uid), cancellationToken).ConfigureAwait(false)) is { } activate) return "Activate " + activate;
        mine[^1] = (uid, true);
        return BenchConnection.Failure(await connection.CallAsync(connection.Request("get", uid), cancellationToken).ConfigureAwait(false)) is { } get ? "Get " + get : null;
    }

    private static async Task<bool> DestroyAsync(BenchConnection connection, string uid, bool active, CancellationToken cancellationToken)
    {
        try
        {
            // An Active object cannot be destroyed (KMIP 1.4 §4.21): Revoke (Cessation of Operation) deactivates it first.
            if (active && BenchConnection.Failure(await connection.CallAsync(connection.Request("revoke", uid), cancellationToken).ConfigureAwait(false)) is not null) return false;
            return BenchConnection.Failure(await connection.CallAsync(connection.Request("destroy", uid), cancellationToken).ConfigureAwait(false)) is null;
        }
        catch (Exception e) when (e is IOException or SocketException or TtlvFormatException)
        {
            await connection.ResetAsync().ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>
    /// A worker's request for <paramref name="op"/>, made once per connection: Get reads a key the connection creates;
    /// Encrypt, Decrypt and MAC use an active key it creates (Decrypt a ciphertext it encrypts first); Sign an active
    /// key pair it creates, Signature Verify the public half on a signature it makes first.
    /// </summary>
    private static async Task<byte[]> PrepareAsync(string op, BenchConnection connection, Dictionary<string, string> keys, List<(string, bool)> mine, CancellationToken cancellationToken)
    {
        async Task<TtlvElement> Call(byte[] request)
        {
            var response = await connection.CallAsync(request, cancellationToken).ConfigureAwait(false);
            if (BenchConnection.Failure(response) is { } failure) throw new IOException($"The server refused the bench's set-up for {op}: {failure}");
            return response.Find(Tag.BatchItem)!.Find(Tag.ResponsePayload)!;
        }
        async Task<string> Key(string kind)
        {
            if (keys.TryGetValue(kind, out var existing)) return existing;
            var created = await Call(connection.Request(kind, "")).ConfigureAwait(false);
            var uid = (created.Find(Tag.UniqueIdentifier) ?? created.Find(Tag.PrivateKeyUniqueIdentifier))!.AsText();
            bool activate = kind != "create";
            if (activate) await Call(connection.Request("activate", uid)).ConfigureAwait(false);
            mine.Add((uid, activate));
            if (created.Find(Tag.PublicKeyUniqueIdentifier) is { } publicKey)
            {
                await Call(connection.Request("activate", publicKey.AsText())).ConfigureAwait(false);
                keys[kind + "-public"] = publicKey.AsText();
                mine.Add((publicKey.AsText(), true));
            }
            keys[kind] = uid;
            return uid;
        }
        switch (op)
        {
            case "get":
                return connection.Request("get", await Key("create").ConfigureAwait(false));
            case "encrypt":
                return connection.Request("encrypt", await Key("create-aes").ConfigureAwait(false));
            case "decrypt":
                var aes = await Key("create-aes").ConfigureAwait(false);
                var encrypted = await Call(connection.Request("encrypt", aes)).ConfigureAwait(false);
                return connection.Request("decrypt", aes, encrypted.Find(Tag.Data)!.AsBytes().ToArray(), encrypted.Find(Tag.IVCounterNonce)!.AsBytes().ToArray());
            case "mac":
                return connection.Request("mac", await Key("create-hmac").ConfigureAwait(false));
            case "sign-rsa" or "sign-ec":
                return connection.Request(op, await Key("create-pair-" + op[5..]).ConfigureAwait(false));
            case "verify-rsa" or "verify-ec":
                var family = op[7..];
                var signed = await Call(connection.Request("sign-" + family, await Key("create-pair-" + family).ConfigureAwait(false))).ConfigureAwait(false);
                return connection.Request(op, keys["create-pair-" + family + "-public"], signed.Find(Tag.SignatureData)!.AsBytes().ToArray());
            default:
                return connection.Request(op, "");
        }
    }

    private static async Task DelayUntil(long timestamp, CancellationToken cancellationToken)
    {
        var ticks = (timestamp - Stopwatch.GetTimestamp()) * TimeSpan.TicksPerSecond / Stopwatch.Frequency;
        if (ticks > 0) await Task.Delay(TimeSpan.FromTicks(ticks), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>utime + stime of <paramref name="pid"/> in clock ticks (/proc/PID/stat fields 14 and 15, after the parenthesised name).</summary>
    internal static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>Every worker arrives when its timed load is over; the cleanup starts once the CPU sample is taken.</summary>
    private sealed class Gate(int count)
    {
        private int _pending = count;
        private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task AllArrived => _arrived.Task;

        public Task WaitAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Decrement(ref _pending) == 0) _arrived.TrySetResult();
            return _open.Task.WaitAsync(cancellationToken);
        }

        public void Open() => _open.TrySetResult();
    }
}
