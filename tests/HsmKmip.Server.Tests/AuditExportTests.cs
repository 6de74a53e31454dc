using System.Buffers.Binary;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using HsmKmip.Core.Audit;
using HsmKmip.Server.Audit.Export;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>
/// The optional audit export (docs/audit-and-metrics.md "Export"): real UDP and TCP syslog receivers and a real Unix
/// datagram socket in journald's place parse what the exporter sends; a receiver that stops reading never blocks an
/// offer and the drop counter moves; a daemon's exported records carry the sequence numbers and hashes of its files.
/// </summary>
public sealed class AuditExportTests
{
    /// <summary>Generous for a loaded two-core CI machine: each wait says what it waited for when it gives up.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    internal static AuditExportEntry Entry(long seq, string client = "alice", string? reason = null) => new(seq, new string('a', 63) + (seq % 10), "node-1",
        new AuditRecord(new DateTimeOffset(2026, 12, 6, 20, 0, 0, 123, TimeSpan.Zero).AddTicks(4560), client, "ab12", "127.0.0.1:5000", "Destroy",
            new AuditTouches.Snapshot(["c-1"], ["r-1"], ["x-1"], ["d-1"]), reason is null ? "Success" : "OperationFailed", reason, "req-7", "0707", 42));

    [Fact]
    public async Task Syslog_over_udp_sends_each_record_as_rfc5424_with_escaped_structured_data()
    {
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        await using var exporter = new AuditExporter(new SyslogTransport(SyslogTarget.Parse($"udp://127.0.0.1:{port}")), 100, NullLogger.Instance);
        exporter.Offer(Entry(7, client: "CN=a \"quoted\" \\ name]", reason: "PermissionDenied"));
        using var cts = new CancellationTokenSource(Deadline);
        var datagram = await receiver.ReceiveAsync(cts.Token);
        var m = SyslogMessage.Parse(datagram.Buffer);
        Assert.Equal(13 * 8 + 4, m.Priority); // facility log audit, severity warning for a failure
        Assert.Equal("2026-12-06T20:00:00.123456Z", m.Timestamp);
        Assert.Equal(("node-1", "hsmkmip-audit", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "item"), (m.Host, m.App, m.ProcId, m.MsgId));
        Assert.Equal("hsmkmip@32473", m.SdId);
        Assert.Equal("7", m["seq"]);
        Assert.Equal("Destroy", m["op"]);
        Assert.Equal("CN=a \"quoted\" \\ name]", m["client"]);
        Assert.Equal("ab12", m["fp"]);
        Assert.Equal("OperationFailed", m["result"]);
        Assert.Equal("PermissionDenied", m["reason"]);
        Assert.Equal("c-1,r-1,x-1,d-1", m["uids"]);
        Assert.Equal("d-1", m["destroyed"]);
        Assert.Equal(new string('a', 63) + "7", m["hash"]);
        Assert.Equal(("req-7", "0707"), (m["request"], m["item"]));
        Assert.Contains("Destroy by CN=a", m.Message, StringComparison.Ordinal);
        Assert.Contains("seq=\"7\"", Encoding.UTF8.GetString(datagram.Buffer), StringComparison.Ordinal);
        Assert.Contains("client=\"CN=a \\\"quoted\\\" \\\\ name\\]\"", Encoding.UTF8.GetString(datagram.Buffer), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Syslog_over_tcp_frames_each_message_by_its_octet_count_and_reconnects_after_the_receiver_drops_it()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            await using var exporter = new AuditExporter(new SyslogTransport(SyslogTarget.Parse($"tcp://localhost:{port}")), 100, NullLogger.Instance);
            using var cts = new CancellationTokenSource(Deadline);
            for (int i = 1; i <= 3; i++) exporter.Offer(Entry(i, client: "client with spaces and é"));
            using (var first = await listener.AcceptTcpClientAsync(cts.Token))
            {
                var stream = first.GetStream();
                for (int i = 1; i <= 3; i++)
                {
                    var frame = await SyslogMessage.ReadFrameAsync(stream, cts.Token) ?? throw new EndOfStreamException($"the connection ended before frame {i}");
                    var m = SyslogMessage.Parse(frame);
                    Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), m["seq"]);
                    Assert.Equal("client with spaces and é", m["client"]);
                    Assert.Equal(13 * 8 + 6, m.Priority);
                }
            }
            // The receiver closed the connection: the exporter notices on a later send, reconnects and goes on. A record sent
            // into the dying connection may be lost (TCP syslog without acknowledgements): offer until one arrives anew.
            var accept = listener.AcceptTcpClientAsync(cts.Token).AsTask();
            long seq = 100;
            while (!accept.IsCompleted)
            {
                Assert.False(cts.IsCancellationRequested, "the exporter did not reconnect within the deadline");
                exporter.Offer(Entry(seq++));
                await Task.WhenAny(accept, Task.Delay(200, cts.Token));
            }
            using var second = await accept;
            var again = SyslogMessage.Parse(await SyslogMessage.ReadFrameAsync(second.GetStream(), cts.Token) ?? throw new EndOfStreamException("no frame after reconnecting"));
            Assert.True(long.Parse(again["seq"], System.Globalization.CultureInfo.InvariantCulture) >= 100);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task A_receiver_that_stops_reading_never_blocks_an_offer_and_the_drops_are_counted_in_the_metric()
    {
        long metered = 0;
        using var meter = new MeterListener();
        meter.InstrumentPublished = (i, l) => { if (i.Name == "hsmkmip.audit.export.dropped") l.EnableMeasurementEvents(i); };
        meter.SetMeasurementEventCallback<long>((_, v, tags, _) => { foreach (var t in tags) if (t.Key == "sink" && (string?)t.Value == "syslog") Interlocked.Add(ref metered, v); });
        meter.Start();

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            const int Capacity = 16;
            await using var exporter = new AuditExporter(new SyslogTransport(SyslogTarget.Parse($"tcp://127.0.0.1:{port}")), Capacity, NullLogger.Instance);
            using var cts = new CancellationTokenSource(Deadline);
            exporter.Offer(Entry(0));
            using var stalled = await listener.AcceptTcpClientAsync(cts.Token); // accepted, never read
            // Fill the kernel's buffers with large records until the exporter's sends stop making progress.
            var big = new string('x', 8000);
            long seq = 1, sentBefore = -1;
            while (exporter.Sent != sentBefore || exporter.Dropped == 0)
            {
                Assert.False(cts.IsCancellationRequested, $"the sends never stalled: {exporter.Sent} sent, {exporter.Dropped} dropped");
                sentBefore = exporter.Sent;
                for (int i = 0; i < 200; i++) exporter.Offer(Entry(seq++, client: big));
                await Task.Delay(300, cts.Token);
            }
            // Stalled: every further offer returns at once and is dropped and counted (the queue stays full).
            long dropped = exporter.Dropped;
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < 1000; i++) exporter.Offer(Entry(seq++, client: big));
            watch.Stop();
            Assert.True(exporter.Dropped - dropped >= 1000 - Capacity, $"{exporter.Dropped - dropped} of 1000 offers dropped while the receiver stalled");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"1000 offers took {watch.Elapsed} while the receiver stalled: an offer waited");
            Assert.True(Interlocked.Read(ref metered) >= exporter.Dropped, $"the metric counted {Interlocked.Read(ref metered)} drops, the exporter {exporter.Dropped}");
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task Journald_native_datagrams_carry_the_record_fields_and_a_value_with_a_newline_in_the_binary_form()
    {
        var folder = Directory.CreateTempSubdirectory("hsmkmip-journal-");
        try
        {
            var path = Path.Combine(folder.FullName, "socket");
            using var receiver = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            receiver.Bind(new UnixDomainSocketEndPoint(path));
            await using var exporter = new AuditExporter(new JournalTransport(path), 100, NullLogger.Instance);
            exporter.Offer(Entry(9, client: "two\nlines"));
            var buffer = new byte[65536];
            using var cts = new CancellationTokenSource(Deadline);
            int n = await receiver.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            var fields = ParseJournal(buffer.AsSpan(0, n));
            Assert.Equal("hsmkmip-audit", fields["SYSLOG_IDENTIFIER"]);
            Assert.Equal("6", fields["PRIORITY"]);
            Assert.Equal("13", fields["SYSLOG_FACILITY"]);
            Assert.Equal("9", fields["HSMKMIP_AUDIT_SEQ"]);
            Assert.Equal("Destroy", fields["HSMKMIP_AUDIT_OP"]);
            Assert.Equal("two\nlines", fields["HSMKMIP_AUDIT_CLIENT"]);
            Assert.Equal("Success", fields["HSMKMIP_AUDIT_RESULT"]);
            Assert.Equal("c-1,r-1,x-1,d-1", fields["HSMKMIP_AUDIT_UIDS"]);
            Assert.Equal(new string('a', 63) + "9", fields["HSMKMIP_AUDIT_HASH"]);
            Assert.StartsWith("Destroy by two\nlines: Success", fields["MESSAGE"], StringComparison.Ordinal);
            Assert.False(fields.ContainsKey("HSMKMIP_AUDIT_REASON"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The native journal protocol: "KEY=value\n", or "KEY\n" + 64-bit LE length + value + "\n".</summary>
    internal static Dictionary<string, string> ParseJournal(ReadOnlySpan<byte> data)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        while (!data.IsEmpty)
        {
            int end = data.IndexOfAny((byte)'=', (byte)'\n');
            Assert.True(end > 0, "a field without a name");
            var name = Encoding.ASCII.GetString(data[..end]);
            Assert.Matches("^[A-Z0-9_]+$", name);
            Assert.False(name.StartsWith('_'), $"{name}: a client may not set trusted fields");
            if (data[end] == (byte)'=')
            {
                int newline = data.IndexOf((byte)'\n');
                fields[name] = Encoding.UTF8.GetString(data[(end + 1)..newline]);
                data = data[(newline + 1)..];
            }
            else
            {
                var length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(end + 1, 8)));
                fields[name] = Encoding.UTF8.GetString(data.Slice(end + 9, length));
                Assert.Equal((byte)'\n', data[end + 9 + length]);
                data = data[(end + 10 + length)..];
            }
        }
        return fields;
    }

    private static readonly Dictionary<string, string?> NoEnvironment = [];

    [Fact]
    public void The_syslog_setting_takes_udp_tcp_and_unix_targets_and_refuses_anything_else()
    {
        Assert.Equal(new SyslogTarget(SyslogKind.Udp, "127.0.0.1", 514, null), SyslogTarget.Parse("udp://127.0.0.1:514"));
        Assert.Equal(new SyslogTarget(SyslogKind.Tcp, "::1", 6514, null), SyslogTarget.Parse("tcp://[::1]:6514"));
        Assert.Equal(new SyslogTarget(SyslogKind.Unix, null, 0, "/dev/log"), SyslogTarget.Parse("unix:/dev/log"));
        foreach (var bad in new[] { "udp://host", "http://host:514", "unix:dev/log", "host:514", "tcp://host:514/path" })
        {
            var e = Assert.Throws<Configuration.ConfigurationException>(() => Configuration.ServerOptionsLoader.Load(null, new Dictionary<string, string[]> { ["AuditSyslog"] = [bad] }, NoEnvironment));
            Assert.Contains("udp://HOST:PORT, tcp://HOST:PORT or unix:/dev/log", e.Message, StringComparison.Ordinal);
        }
        var options = Configuration.ServerOptionsLoader.Load(null, new Dictionary<string, string[]> { ["AuditSyslog"] = ["tcp://logs:601"], ["AuditJournal"] = ["on"] }, NoEnvironment);
        Assert.Equal(("tcp://logs:601", "/run/systemd/journal/socket"), (options.AuditSyslog, options.AuditJournal));
        Assert.Throws<Configuration.ConfigurationException>(() => Configuration.ServerOptionsLoader.Load(null, new Dictionary<string, string[]> { ["AuditJournal"] = ["maybe"] }, NoEnvironment));
    }
}
