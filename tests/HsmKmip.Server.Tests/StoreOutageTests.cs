using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.AdminHttp;
using HsmKmip.Tests.Shared;
using HsmKmip.Ttlv;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>
/// PostgreSQL stopped under a daemon serving clients (issue 13): every request answers within the client's timeout with
/// the unavailability error of its version, /readyz turns unready, and service resumes on its own once the database is
/// back. A PostgreSQL of its own, so the shared one is never down.
/// </summary>
public sealed class StoreOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    // What KmipTestClient.RoundTripAsync waits for an answer: a client's read timeout, as libkmip and PyKMIP have one.
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(10);

    private PostgresCluster _postgres = null!;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresCluster.StartAsync();
        var url = _postgres.Url(await _postgres.CreateDatabaseAsync("outage")) + "&connect_timeout=3";
        _server = await TestServer.StartAsync(o => o with
        {
            StoreUrl = url, StorePasswordFile = _postgres.PasswordFile,
            AdminListen = new IPEndPoint(IPAddress.Loopback, 0), AdminListenExplicit = true,
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    private sealed record Answer(KmipVersion Version, Operation Operation, ResultStatus Status, ResultReason? Reason, string? Message, TimeSpan Took, bool Outage)
    {
        public long At { get; } = Stopwatch.GetTimestamp();
    }

    /// <summary>One client: Get of a known key and Create, at KMIP 1.4 or 2.0, until stopped; every answer recorded.</summary>
    private async Task ClientAsync(KmipVersion version, string uid, Func<bool> outage, ConcurrentQueue<Answer> answers, CancellationToken stop)
    {
        SslStream? tls = null;
        var create = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                tls ??= await _server.ConnectAsync(_server.ClientCertificate());
                var operation = create ? Operation.Create : Operation.Get;
                var payload = create
                    ? Payload(TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey), version.Major >= 2
                        ? TtlvElement.Structure(Tag.Attributes,
                            TtlvElement.Enumeration(Tag.CryptographicAlgorithm, (uint)CryptographicAlgorithm.AES), TtlvElement.Integer(Tag.CryptographicLength, 256))
                        : TtlvElement.Structure(Tag.TemplateAttribute,
                            Attr("Cryptographic Algorithm", TtlvElement.Enumeration(Tag.AttributeValue, (uint)CryptographicAlgorithm.AES)),
                            Attr("Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, 256))))
                    : Payload(Uid(uid));
                var during = outage();
                var clock = Stopwatch.StartNew();
                var item = await CallAsync(tls, version, operation, payload);
                answers.Enqueue(new Answer(version, operation, item.Status(), item.Reason(), item.Message(), clock.Elapsed, during && outage()));
                create = !create;
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                // RoundTripAsync's read timeout: the server did not answer within the client's timeout.
                answers.Enqueue(new Answer(version, Operation.Get, ResultStatus.OperationFailed, null, "no answer within the client's timeout", ClientTimeout, outage()));
                if (tls is not null) await tls.DisposeAsync();
                tls = null;
            }
        }
        if (tls is not null) await tls.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string Body)> ReadyzAsync(HttpClient http)
    {
        var address = _server.Services.GetRequiredService<AdminHttpListener>().Address!;
        using var response = await http.GetAsync(new Uri(address, "/readyz"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Stopped_under_load_requests_get_the_unavailable_error_of_their_version_in_time_readyz_is_unready_and_service_resumes()
    {
        string uid;
        await using (var tls = await _server.ConnectAsync(_server.ClientCertificate())) uid = await CreateAsync(tls);
        using var http = AdminHttpsClient.Create(_server);
        Assert.Equal(HttpStatusCode.OK, (await ReadyzAsync(http)).Status);

        var down = false;
        var answers = new ConcurrentQueue<Answer>();
        using var stop = new CancellationTokenSource();
        var clients = new[] { KmipVersion.V1_4, KmipVersion.V2_0, KmipVersion.V1_0, KmipVersion.V2_1 }
            .Select(v => Task.Run(() => ClientAsync(v, uid, () => Volatile.Read(ref down), answers, stop.Token))).ToArray();
        for (var waited = Stopwatch.StartNew(); answers.Count(a => a.Status == ResultStatus.Success) < 8; await Task.Delay(50))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"the clients were not served before the outage: {string.Join("; ", answers.Select(a => a.Message))}");
        }

        await _postgres.KillAsync();
        Volatile.Write(ref down, true);
        var outage = Stopwatch.StartNew();
        // Every client must have been answered during the outage at least twice (its first request may have been in flight).
        for (; answers.Count(a => a.Outage) < 12; await Task.Delay(100))
        {
            Assert.True(outage.Elapsed < TimeSpan.FromSeconds(90), $"only {answers.Count(a => a.Outage)} answers in {outage.Elapsed} of outage");
        }
        var (unready, why) = await ReadyzAsync(http);

        await _postgres.StartServerAsync();
        var restartedAt = Stopwatch.GetTimestamp();
        Volatile.Write(ref down, false);
        var restarted = Stopwatch.StartNew();
        HashSet<KmipVersion> served = [];
        while (served.Count < 4)
        {
            Assert.True(restarted.Elapsed < TimeSpan.FromSeconds(60), $"service did not resume within 60 s of PostgreSQL's restart (versions served: {string.Join(", ", served)})");
            await Task.Delay(100);
            served = answers.Where(a => a.At > restartedAt && a.Status == ResultStatus.Success).Select(a => a.Version).ToHashSet();
        }
        var resumedAfter = Stopwatch.GetElapsedTime(restartedAt, answers.Where(a => a.At > restartedAt && a.Status == ResultStatus.Success).GroupBy(a => a.Version).Max(g => g.Min(a => a.At)));
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        var ready = await ReadyzAsync(http);

        var failed = answers.Where(a => a.Outage && a.Status != ResultStatus.Success).ToList();
        output.WriteLine($"{failed.Count} answers during the outage, slowest {failed.Max(a => a.Took).TotalMilliseconds:F0} ms; /readyz {(int)unready} '{why.Trim()}'; all four clients served again within {resumedAfter.TotalMilliseconds:F0} ms of the restart");
        foreach (var g in failed.GroupBy(a => (a.Version, a.Operation, a.Reason, a.Message))) output.WriteLine($"  {g.Key.Version} {g.Key.Operation}: {g.Key.Reason} '{g.Key.Message}' x{g.Count()}");
        Assert.NotEmpty(failed);
        Assert.All(failed, a =>
        {
            Assert.True(a.Took < ClientTimeout, $"{a.Version} {a.Operation} answered after {a.Took}");
            Assert.Equal(a.Version.Major >= 2 ? ResultReason.InternalServerError : ResultReason.GeneralFailure, a.Reason);
            Assert.Contains("key store is unavailable", a.Message, StringComparison.Ordinal);
        });
        Assert.Contains(failed, a => a.Operation == Operation.Create);
        Assert.Contains(failed, a => a.Operation == Operation.Get);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unready);
        Assert.Contains("store", why, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ready.Status);
    }
}
