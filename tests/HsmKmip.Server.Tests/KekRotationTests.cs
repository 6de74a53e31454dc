using System.Collections.Concurrent;
using System.Diagnostics;
using HsmKmip.Core.Keys;
using HsmKmip.Operations.Custody;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>KEK rotation inside the running daemon while clients create, get and activate keys.</summary>
public sealed class KekRotationTests
{
    [Fact]
    public async Task Rotation_under_load_fails_no_request_keeps_every_key_and_removes_the_old_kek_from_the_token()
    {
        var prefix = "rot" + Guid.NewGuid().ToString("N")[..8] + "-kek";
        await using var server = await TestServer.StartAsync(o => o with { KekLabelPrefix = prefix });
        var keys = new ConcurrentDictionary<string, byte[]>();
        await using (var tls = await server.ConnectAsync(server.ClientCertificate()))
        {
            for (int i = 0; i < 60; i++)
            {
                var (id, material) = await KeyTraffic.CreateAndGetAsync(tls);
                keys[id] = material;
            }
        }
        var existing = keys.Keys.ToArray();
        using var stop = new CancellationTokenSource();
        long requests = 0;
        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            await using var tls = await server.ConnectAsync(server.ClientCertificate());
            for (int n = 0; !stop.IsCancellationRequested; n++)
            {
                var (id, material) = await KeyTraffic.CreateAndGetAsync(tls);
                keys[id] = material;
                var old = existing[(worker * 17 + n) % existing.Length];
                Assert.Equal(keys[old], await KeyTraffic.GetAsync(tls, old));
                if (n % 3 == 0)
                {
                    try
                    {
                        await KeyTraffic.ActivateAsync(tls, existing[(worker * 31 + n) % existing.Length]);
                    }
                    catch (InvalidOperationException e) when (e.Message.Contains("WrongKeyLifecycleState", StringComparison.Ordinal) || e.Message.Contains("PermissionDenied", StringComparison.Ordinal))
                    {
                        // Already active (another worker got there first): a lifecycle answer, not a rotation failure.
                    }
                }
                Interlocked.Add(ref requests, 3);
            }
        })).ToArray();

        var rotation = server.Services.GetRequiredService<KekRotation>();
        var steps = new ConcurrentQueue<RotationProgress>();
        await Task.Delay(300);
        var report = await rotation.RunAsync(new SynchronousProgress(steps.Enqueue), default);
        await Task.Delay(300);
        stop.Cancel();
        await Task.WhenAll(load); // any failed request would surface here

        Assert.Equal(prefix + "-2", report.CurrentKek);
        Assert.Empty(report.Failed);
        Assert.Equal([prefix + "-1"], report.DestroyedKeks);
        Assert.True(report.Rewrapped >= existing.Length, $"re-wrapped {report.Rewrapped}");
        Assert.True(Interlocked.Read(ref requests) > 0);
        Assert.Contains(steps, s => s.Step == RotationStep.KekCreated && s.Kek == prefix + "-2");

        var backend = server.Services.GetRequiredService<IKeyBackend>();
        Assert.Equal([prefix + "-2"], (await backend.ListKeksAsync(default)).Select(k => k.Label));
        await using (var tls = await server.ConnectAsync(server.ClientCertificate()))
        {
            foreach (var (id, material) in keys) Assert.Equal(material, await KeyTraffic.GetAsync(tls, id));
        }
        var listing = TokenListing(server);
        Assert.Contains(prefix + "-2", listing, StringComparison.Ordinal);
        Assert.DoesNotContain(prefix + "-1", listing, StringComparison.Ordinal);

        // Nothing left to do: a second run makes a third version (a new rotation), not a resumption.
        var plan = await rotation.PlanAsync(default);
        Assert.False(plan.Resume);
        Assert.Equal(prefix + "-3", plan.NewKek);
    }

    /// <summary>The token's objects as OpenSC's pkcs11-tool lists them (a separate process, logged in as the user).</summary>
    private static string TokenListing(TestServer server)
    {
        var dir = server.Options.EmbeddedTokenDir!;
        var start = new ProcessStartInfo("pkcs11-tool") { RedirectStandardOutput = true, RedirectStandardError = true };
        // The test token's PIN goes in argv here: pkcs11-tool 0.23 has no other non-interactive PIN source.
        foreach (var a in new[] { "--module", Hsm.Pkcs11.SoftHsmToken.DefaultModulePath, "--token-label", server.Options.EmbeddedTokenLabel, "--login", "--pin", File.ReadAllText(Path.Combine(dir, "user-pin")).Trim(), "--list-objects", "--type", "secrkey" })
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["SOFTHSM2_CONF"] = Path.Combine(dir, "softhsm2.conf");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, output);
        return output;
    }

    private sealed class SynchronousProgress(Action<RotationProgress> report) : IProgress<RotationProgress>
    {
        public void Report(RotationProgress value) => report(value);
    }
}
