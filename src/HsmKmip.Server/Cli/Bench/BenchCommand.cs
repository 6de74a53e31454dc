using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Server.Cli.Bench;

/// <summary>What one `hsmkmip bench` invocation asked for.</summary>
internal sealed record BenchSettings(int Connections, TimeSpan Duration, string[] Mix, bool NewConnection, KmipVersion Version, bool Cleanup, TimeSpan WarmUp,
    long NameStart = 0, long Names = 0, int Offset = 0);

/// <summary>
/// `hsmkmip bench`: drives any KMIP server over mutual TLS with N concurrent connections and prints ops/s, latency
/// percentiles and (with --server-pid) the server's CPU time per operation; with --compare-pykmip it starts Debian's
/// pykmip-server and runs the same load against it in the same run, then prints the ratio.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Load a running KMIP server over mutual TLS and print ops/s, p50/p99 latency and, with --server-pid, server CPU time per operation; --compare-pykmip runs the same load against Debian's pykmip-server too and prints the ratio.");
        var server = new Option<string[]>("--server")
        {
            Description = "HOST:PORT of the server. Repeat it (or give a comma list) for the nodes of a cluster: the connections are spread over them in turn. Default 127.0.0.1:5696.",
            DefaultValueFactory = _ => ["127.0.0.1:5696"],
            AllowMultipleArgumentsPerToken = false,
        };
        var cert = new Option<string>("--cert") { Description = "Client certificate PEM. Default: the development bundle under --state-dir." };
        var key = new Option<string>("--key") { Description = "Client key PEM." };
        var ca = new Option<string>("--ca") { Description = "CA that signed the server certificate." };
        var stateDir = new Option<string>("--state-dir") { Description = "State folder whose development bundle to use when --cert/--key/--ca are not given. Default ./var.", DefaultValueFactory = _ => "var" };
        var connections = new Option<int>("--connections") { Description = "Concurrent connections. Default 8.", DefaultValueFactory = _ => 8 };
        var seconds = new Option<int>("--seconds") { Description = "How long to measure, after the warm-up. Default 10.", DefaultValueFactory = _ => 10 };
        var warmUp = new Option<int>("--warm-up") { Description = "Seconds of load before measuring (a fresh server compiles its code then). Default 1.", DefaultValueFactory = _ => 1 };
        var mix = new Option<string>("--mix")
        {
            Description = "Operations, comma-separated, run in turn: discover, query, create (AES-256), get (of a key each connection creates first), " +
                "create-get (1 create : 3 get), create-named (AES-256 named bench-key-N, N counting from --name-start), " +
                "locate-name (Locate by the exact Name of one of --names keys an earlier create-named run made), locate-type (Locate Object Type Symmetric Key, Maximum Items 16, Offset Items --offset), " +
                "register-activate-get (libmongocrypt's data-key flow: Register 96-byte Secret Data, Activate, Get; counted as one flow), " +
                "encrypt and decrypt (AES-256-CBC-PKCS5, 64 bytes, random IV, with a key each connection creates and activates first), mac (HMAC-SHA256 of 64 bytes, likewise), " +
                "sign-rsa / sign-ec (RSA-2048 PKCS#1 v1.5 SHA-256 / ECDSA P-256 SHA-256 over 64 bytes, with a pair each connection creates and activates first) and " +
                "verify-rsa / verify-ec (Signature Verify of a signature made first). Default discover.",
            DefaultValueFactory = _ => "discover",
        };
        var protocol = new Option<string>("--protocol") { Description = "KMIP version of the requests: 1.0, 1.1, 1.2, 1.3, 1.4 or 2.0. Default 1.4.", DefaultValueFactory = _ => "1.4" };
        var reconnect = new Option<bool>("--new-connection") { Description = "Open a new TLS connection for every request (as vSphere and libmongocrypt do)." };
        var serverPid = new Option<int[]>("--server-pid") { Description = "PID of the server process, to report its CPU time per operation (read from /proc). Repeat it for several nodes: their CPU times are summed." };
        var keep = new Option<bool>("--keep") { Description = "Keep the objects the bench created. By default they are destroyed at the end (Revoke first where activated), untimed." };
        var compare = new Option<bool>("--compare-pykmip") { Description = "Also start Debian's pykmip-server (python3-pykmip; throwaway certificates, TLS1.2 auth suite, temporary database) and run the same load against it in this run, then print the ratio." };
        var nameStart = new Option<long>("--name-start") { Description = "First N of the bench-key-N names create-named gives and locate-name looks for. Default 0 (a second create-named run into the same store needs a new start: names are unique).", DefaultValueFactory = _ => 0 };
        var names = new Option<long>("--names") { Description = "How many bench-key-N names (from --name-start) exist, for locate-name." };
        var offset = new Option<int>("--offset") { Description = "Offset Items of locate-type's Locate: the page that far into the client's keys (deep paging, as Percona's keyring pages). A page that comes back empty is an error. Default 0 (no Offset Items sent)." };
        var python = new Option<string>("--python") { Description = "Python with PyKMIP for --compare-pykmip. Default /usr/bin/python3 (Debian's).", DefaultValueFactory = _ => "/usr/bin/python3" };
        foreach (var o in new Option[] { server, cert, key, ca, stateDir, connections, seconds, warmUp, mix, protocol, reconnect, serverPid, keep, nameStart, names, offset, compare, python }) command.Options.Add(o);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            try
            {
                var state = parse.GetValue(stateDir)!;
                var bundle = Path.Combine(state, "tls", "clients", Tls.DevelopmentCertificates.DefaultClientName);
                var settings = new BenchSettings(
                    Math.Max(1, parse.GetValue(connections)),
                    TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(seconds))),
                    BenchRequests.Expand(parse.GetValue(mix)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
                    parse.GetValue(reconnect),
                    BenchRequests.ParseVersion(parse.GetValue(protocol)!),
                    !parse.GetValue(keep),
                    TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(warmUp))),
                    Math.Max(0, parse.GetValue(nameStart)),
                    Math.Max(0, parse.GetValue(names)),
                    parse.GetValue(offset));
                if (settings.Offset < 0) throw new ArgumentException("--offset must be 0 or more.");
                if (settings.Mix.Contains("locate-name") && settings.Names == 0)
                    throw new ArgumentException("--mix locate-name needs --names N: how many keys an earlier create-named run made (from --name-start).");
                using var certificate = X509Certificate2.CreateFromPemFile(parse.GetValue(cert) ?? Path.Combine(bundle, "client.crt"), parse.GetValue(key) ?? Path.Combine(bundle, "client.key"));
                var trust = new X509Certificate2Collection();
                trust.ImportFromPemFile(parse.GetValue(ca) ?? Path.Combine(bundle, "ca.crt"));
                var target = new BenchTarget("server", Endpoints(parse.GetValue(server)), certificate, trust, parse.GetValue(serverPid) ?? []);
                var result = await BenchLoad.RunAsync(target, settings, cancellationToken).ConfigureAwait(false);
                Print(output, result, settings);
                if (parse.GetValue(compare))
                {
                    await using var pykmip = await PyKmipServer.StartAsync(parse.GetValue(python)!, cancellationToken).ConfigureAwait(false);
                    var reference = await BenchLoad.RunAsync(pykmip.Target, settings, cancellationToken).ConfigureAwait(false);
                    Print(output, reference, settings);
                    PrintRatio(output, result, reference);
                }
                return result.Errors == 0 ? 0 : 3;
            }
            catch (Exception e) when (e is IOException or SocketException or System.Security.Authentication.AuthenticationException or ArgumentException
                or Configuration.ConfigurationException or System.Security.Cryptography.CryptographicException or System.ComponentModel.Win32Exception)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"hsmkmip bench: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static void Print(TextWriter output, BenchResult r, BenchSettings s)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"{r.Target.Name} {r.Target.Describe()} (KMIP {s.Version}), {s.Connections} connections{(s.NewConnection ? ", new TLS connection per request" : ", persistent")}, {s.Duration.TotalSeconds:0} s after {s.WarmUp.TotalSeconds:0} s warm-up"));
        output.WriteLine(string.Create(inv, $"total: {r.Total} ops, {r.OpsPerSecond:0} ops/s, {r.Errors} errors{(r.FirstError is { } e ? $" (first: {e})" : "")}"));
        foreach (var (name, list) in r.Latencies)
        {
            if (list.Count == 0) continue;
            output.WriteLine(string.Create(inv, $"{name,-10} {list.Count,8} ops {list.Count / s.Duration.TotalSeconds,9:0} ops/s  p50 {Percentile(list, 0.50),7:0.000} ms  p99 {Percentile(list, 0.99),7:0.000} ms  max {list[^1],7:0.000} ms"));
        }
        if (r.ServerCpuMs is { } cpu && r.CpuMicrosecondsPerOp is { } perOp)
        {
            var processes = r.Target.Pids.Count > 1 ? string.Create(inv, $" ({r.Target.Pids.Count} processes summed)") : "";
            output.WriteLine(string.Create(inv, $"server CPU: {cpu:0} ms in all, {perOp:0.0} µs per operation{processes}"));
        }
        output.WriteLine(r.CleanedUp
            ? string.Create(inv, $"cleanup: destroyed {r.Destroyed} objects the bench created in {r.CleanupTime.TotalSeconds:0.0} s ({r.DestroyFailed} failed)")
            : "cleanup: none (--keep): the objects the bench created are left on the server");
    }

    /// <summary>Every --server value, each possibly a comma list (Percona's serverName style), in order.</summary>
    internal static IPEndPoint[] Endpoints(string[]? values)
    {
        var endpoints = (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(Configuration.ServerOptionsLoader.ParseEndpoint).ToArray();
        return endpoints.Length > 0 ? endpoints : throw new ArgumentException("--server needs HOST:PORT (repeat it, or give a comma list, for several nodes).");
    }

    private static void PrintRatio(TextWriter output, BenchResult server, BenchResult reference)
    {
        var inv = CultureInfo.InvariantCulture;
        double ratio = reference.OpsPerSecond > 0 ? server.OpsPerSecond / reference.OpsPerSecond : double.PositiveInfinity;
        var cpu = server.CpuMicrosecondsPerOp is { } a && reference.CpuMicrosecondsPerOp is { } b && a > 0
            ? string.Create(inv, $", server CPU per operation {a:0} µs vs {b:0} µs ({b / a:0.0}× less)")
            : "";
        output.WriteLine(string.Create(inv, $"ratio: {server.OpsPerSecond:0} / {reference.OpsPerSecond:0} ops/s = {ratio:0.0}× pykmip-server{cpu}"));
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
