using System.Diagnostics;
using System.Globalization;
using System.Net;
using HsmKmip.Core.Keys;
using HsmKmip.Hsm.Pkcs11;
using HsmKmip.Hsm.Pkcs11.Tests;
using HsmKmip.Server.AdminHttp;
using Microsoft.Extensions.DependencyInjection;
using Net.Pkcs11Interop.Common;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>
/// The admin HTTP listener of a real daemon: /metrics accepted by Prometheus's own `promtool check metrics` and moving
/// under load, /healthz, and /readyz following an HSM that fails (PKCS#11 calls failing with CKR_DEVICE_REMOVED) and recovers.
/// </summary>
public sealed class AdminHttpTests
{
    private static Task<TestServer> StartAsync(Action<IServiceCollection>? services = null) =>
        TestServer.StartAsync(o => o with { AdminListen = new IPEndPoint(IPAddress.Loopback, 0), AdminListenExplicit = true }, services);

    private static Uri Admin(TestServer server, string path) => new(server.Services.GetRequiredService<AdminHttpListener>().Address!, path);

    [Fact]
    public async Task Metrics_pass_promtool_and_count_operations_tls_hsm_store_and_audit_under_load()
    {
        await using var server = await StartAsync();
        using var http = AdminHttpsClient.Create(server);
        Assert.Equal("ok\n", await http.GetStringAsync(Admin(server, "/healthz")));
        var before = Samples(await http.GetStringAsync(Admin(server, "/metrics")));
        await using (var tls = await server.ConnectAsync(server.ClientCertificate()))
        {
            for (int i = 0; i < 5; i++) await KeyTraffic.CreateAndGetAsync(tls);
        }
        // The audit file's fdatasync runs in the background (at most once a second, docs/audit-and-metrics.md): wait for it.
        var text = await http.GetStringAsync(Admin(server, "/metrics"));
        for (var waited = Stopwatch.StartNew(); Delta(before, Samples(text), "hsmkmip_audit_syncs_total", "") < 1 && waited.Elapsed < TimeSpan.FromSeconds(10);)
        {
            await Task.Delay(100);
            text = await http.GetStringAsync(Admin(server, "/metrics"));
        }
        await PromtoolAcceptsAsync(text);
        var after = Samples(text);
        // Other daemons of this test process share the static meters: counts only grow by at least this test's own.
        Assert.True(Delta(before, after, "hsmkmip_operations_total", "operation=\"Create\"") >= 5, text);
        Assert.True(Delta(before, after, "hsmkmip_operations_total", "operation=\"Get\"") >= 5, text);
        Assert.True(Delta(before, after, "hsmkmip_operation_duration_seconds_count", "operation=\"Create\"") >= 5, text);
        Assert.True(Delta(before, after, "hsmkmip_tls_handshakes_total", "result=\"ok\"") >= 1, text);
        Assert.True(Delta(before, after, "hsmkmip_store_commit_duration_seconds_count", "") >= 5, text);
        Assert.True(Delta(before, after, "hsmkmip_hsm_call_duration_seconds_count", "") >= 10, text);
        // Every Get looked its record up in the store's record cache, hit or miss.
        Assert.True(Delta(before, after, "hsmkmip_store_record_cache_hits_total", "") + Delta(before, after, "hsmkmip_store_record_cache_misses_total", "") >= 5, text);
        Assert.True(Delta(before, after, "hsmkmip_audit_syncs_total", "") >= 1, text);
        Assert.Contains("hsmkmip_kek_version 1", text, StringComparison.Ordinal);
        // Not hsmkmip_audit_group_size: with the LiteDB store a mutation's audit fact rides in the store's group commit and
        // no record waits for the audit file's fdatasync (the histogram counts those that do: PostgreSQL's daemons).
        foreach (var family in new[] { "hsmkmip_hsm_sessions_in_use", "hsmkmip_hsm_sessions_capacity", "hsmkmip_connections_open",
            "hsmkmip_store_commit_group_size" })
        {
            Assert.Contains("# TYPE " + family + " ", text, StringComparison.Ordinal);
        }
        Assert.Matches("hsmkmip_certificate_expiry_seconds\\{certificate=\"server\"\\} [1-9][0-9]{6,}", text);
        // The process: resident memory of this test process (tens of MB at least), CPU, GC collections by generation.
        var process = Samples(text);
        Assert.True(process.GetValueOrDefault("process_working_set_bytes") > 10e6, text);
        Assert.True(process.GetValueOrDefault("process_cpu_seconds_total") > 0, text);
        Assert.True(process.ContainsKey("dotnet_collection_count_total{generation=\"0\"}"), text);
    }

    [Fact]
    public async Task Readyz_turns_unready_while_the_hsm_fails_and_ready_when_it_recovers()
    {
        FaultInjectingCalls? calls = null;
        await using var server = await StartAsync(services => services.AddSingleton<IKeyBackend>(_ =>
        {
            var pkcs11 = SoftHsmToken.EnsureEmbeddedToken(TestServer.SharedTokenDir, TestServer.SharedTokenLabel);
            calls = new FaultInjectingCalls(DirectPkcs11Calls.Instance);
            return Pkcs11KeyBackend.Open(pkcs11, null, calls);
        }));
        using var http = AdminHttpsClient.Create(server);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Admin(server, "/readyz"))).StatusCode);

        calls!.Start(CKR.CKR_DEVICE_REMOVED, 1.0);
        var unready = await http.GetAsync(Admin(server, "/readyz"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.StatusCode);
        Assert.Contains("HSM", await unready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Admin(server, "/healthz"))).StatusCode);

        calls.Stop();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpStatusCode status;
        do
        {
            status = (await http.GetAsync(Admin(server, "/readyz"))).StatusCode;
            if (status == HttpStatusCode.OK) break;
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task The_packaged_alert_rules_pass_promtool_and_the_dashboard_queries_only_exported_metric_families()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "HsmKmip.sln"))) dir = Path.GetDirectoryName(dir)!;
        var monitoring = Path.Combine(dir, "packaging", "monitoring");
        var start = new ProcessStartInfo("promtool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "check", "rules", Path.Combine(monitoring, "hsmkmip-alerts.yml") }) start.ArgumentList.Add(a);
        using (var process = Process.Start(start)!)
        {
            var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, output);
        }
        // Every family a panel or rule names is one the daemon defines (instrument names in the source, as the bridge renames them).
        var queried = System.Text.RegularExpressions.Regex.Matches(
                await File.ReadAllTextAsync(Path.Combine(monitoring, "hsmkmip-grafana-dashboard.json")) + await File.ReadAllTextAsync(Path.Combine(monitoring, "hsmkmip-alerts.yml")),
                "hsmkmip_[a-z_]+").Select(m => System.Text.RegularExpressions.Regex.Replace(m.Value, "_(bucket|sum|count)$", "")).ToHashSet();
        string[] exported =
        [
            "hsmkmip_operations_total", "hsmkmip_operation_duration_seconds", "hsmkmip_hsm_call_duration_seconds", "hsmkmip_hsm_errors_total",
            "hsmkmip_hsm_sessions_in_use", "hsmkmip_hsm_sessions_capacity", "hsmkmip_hsm_sessions_waits_total", "hsmkmip_hsm_handle_cache_hits_total",
            "hsmkmip_hsm_handle_cache_misses_total", "hsmkmip_store_commit_duration_seconds", "hsmkmip_store_commit_group_size", "hsmkmip_tls_handshakes_total",
            "hsmkmip_connections_open", "hsmkmip_certificate_expiry_seconds", "hsmkmip_audit_syncs_total", "hsmkmip_kek_version",
        ];
        Assert.Empty(queried.Except(exported));
    }

    /// <summary>Prometheus's own parser and linter: exit status 0 means the exposition parses and follows the naming rules.</summary>
    private static async Task PromtoolAcceptsAsync(string text)
    {
        var start = new ProcessStartInfo("promtool") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("check");
        start.ArgumentList.Add("metrics");
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"promtool check metrics: exit {process.ExitCode}\n{output}");
    }

    private static Dictionary<string, double> Samples(string text) =>
        text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => (Key: l[..l.LastIndexOf(' ')], Value: l[(l.LastIndexOf(' ') + 1)..]))
            .ToDictionary(s => s.Key, s => double.Parse(s.Value, CultureInfo.InvariantCulture));

    /// <summary>The growth of the sum over the series of <paramref name="name"/> whose labels contain <paramref name="label"/>.</summary>
    private static double Delta(Dictionary<string, double> before, Dictionary<string, double> after, string name, string label)
    {
        double Sum(Dictionary<string, double> s) => s.Where(p => (p.Key == name || p.Key.StartsWith(name + "{", StringComparison.Ordinal)) && p.Key.Contains(label, StringComparison.Ordinal)).Sum(p => p.Value);
        return Sum(after) - Sum(before);
    }
}
