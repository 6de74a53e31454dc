using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Tests;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Clients.Tests.ClientWire;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Clients.Tests;

/// <summary>
/// Percona Server for MongoDB's master-key client (libkmip, KMIP 1.0, Maximum Response Size 8192 and a Time Stamp in
/// every header, a new TLS session per exchange): first start, every start, State polling, rotation, an unknown
/// identifier, and failover to the next server in its list when the first refuses connections.
/// </summary>
public sealed class PerconaMongoTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _fixture;

    public PerconaMongoTests(ServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task First_start_every_start_polling_and_rotation()
    {
        var server = _fixture.Server;
        var client = new PerconaMongoClient(() => server.ConnectAsync(server.ClientCertificate()));
        var first = RandomNumberGenerator.GetBytes(32);
        var uid = await client.FirstStartAsync(first);

        Assert.Equal(first, await client.EveryStartAsync(uid));
        for (int i = 0; i < 3; i++) Assert.Equal(State.Active, await client.PollStateAsync(uid));

        // Rotation: a second master key; the old one stays readable for re-encryption.
        var second = RandomNumberGenerator.GetBytes(32);
        var rotated = await client.FirstStartAsync(second);
        Assert.NotEqual(uid, rotated);
        Assert.Equal(second, await client.EveryStartAsync(rotated));
        Assert.Equal(first, await client.EveryStartAsync(uid));
    }

    [Fact]
    public async Task An_unknown_identifier_is_exactly_item_not_found()
    {
        var server = _fixture.Server;
        await using var tls = await server.ConnectAsync(server.ClientCertificate());
        foreach (var item in new[]
        {
            Item(Operation.GetAttributes, Payload(Uid("no-such-master-key"), AttributeName("State"))),
            Item(Operation.Get, Payload(Uid("no-such-master-key"))),
            Item(Operation.Activate, Payload(Uid("no-such-master-key"))),
        })
        {
            var reply = Assert.Single((await ExchangeAsync(tls, Request(KmipVersion.V1_0, LibKmipHeader(8192), item))).Items());
            Assert.Equal(ResultStatus.OperationFailed, reply.Status());
            Assert.Equal(ResultReason.ItemNotFound, reply.Reason());
        }
    }

    [Fact]
    public async Task Failover_to_the_second_server_finds_the_key()
    {
        var work = Directory.CreateTempSubdirectory("hsmkmip-failover-").FullName;
        var stateA = Path.Combine(work, "a");
        var stateB = Path.Combine(work, "b");
        DaemonCrashProcess? a = null, b = null;
        try
        {
            a = await DaemonCrashProcess.StartAsync(work, stateA, TimeSpan.FromSeconds(60));
            var key = RandomNumberGenerator.GetBytes(32);
            var uid = await new PerconaMongoClient(() => a.ConnectAsync()).FirstStartAsync(key);

            // The second node starts from a copy of the first's state (token files and store) once the key exists.
            await a.StopAsync();
            await a.DisposeAsync();
            a = null;
            CopyDirectory(stateA, stateB);
            a = await DaemonCrashProcess.StartAsync(work, stateA, TimeSpan.FromSeconds(60));
            b = await DaemonCrashProcess.StartAsync(work, stateB, TimeSpan.FromSeconds(60));
            var servers = new[] { a, b };
            var attempts = new List<(int Port, string Outcome)>();
            var client = new PerconaMongoClient(async () =>
            {
                foreach (var s in servers)
                {
                    try
                    {
                        var tls = await s.ConnectAsync();
                        attempts.Add((s.Port, "connected"));
                        return tls;
                    }
                    catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
                    {
                        attempts.Add((s.Port, "refused"));
                    }
                }
                throw new IOException("no KMIP server answered");
            });
            Assert.Equal(key, await client.EveryStartAsync(uid));
            Assert.All(attempts, t => Assert.Equal((a.Port, "connected"), t));

            await a.KillAsync();
            attempts.Clear();
            Assert.Equal(key, await client.EveryStartAsync(uid));
            Assert.Equal(State.Active, await client.PollStateAsync(uid));
            Assert.Equal((a.Port, "refused"), attempts[0]);
            Assert.Equal((b.Port, "connected"), attempts[1]);
        }
        finally
        {
            if (a is not null) await a.DisposeAsync();
            if (b is not null) await b.DisposeAsync();
            Directory.Delete(work, recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            File.Copy(file, target);
            File.SetUnixFileMode(target, File.GetUnixFileMode(file));
        }
    }

    /// <summary>The client's exchanges, each on a new TLS session from <paramref name="connect"/> (which may fail over).</summary>
    private sealed class PerconaMongoClient(Func<Task<SslStream>> connect)
    {
        private static readonly KmipVersion V = KmipVersion.V1_0;

        private async Task<TtlvElement> OneAsync(TtlvElement item)
        {
            await using var tls = await connect();
            return await SucceedAsync(tls, V, item, LibKmipHeader(8192));
        }

        /// <summary>Register the AES-256 master key (Raw, usage Encrypt|Decrypt), then Activate, checking the identifier echo.</summary>
        public async Task<string> FirstStartAsync(byte[] key)
        {
            var registered = await OneAsync(Item(Operation.Register, Payload(
                TtlvElement.Enumeration(Tag.ObjectType, (uint)ObjectType.SymmetricKey),
                TtlvElement.Structure(Tag.TemplateAttribute, Attr("Cryptographic Usage Mask", TtlvElement.Integer(Tag.AttributeValue, 12))),
                SymmetricKey(key))));
            Assert.Null(registered.Find(Tag.ObjectType));
            var uid = UidOf(registered);
            Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(uid), 1, 127);
            var activated = await OneAsync(Item(Operation.Activate, Payload(Uid(uid))));
            Assert.Equal(uid, UidOf(activated));
            return uid;
        }

        /// <summary>Get Attributes State (exactly one attribute back, Active) → Get (Raw, not wrapped).</summary>
        public async Task<byte[]> EveryStartAsync(string uid)
        {
            Assert.Equal(State.Active, await PollStateAsync(uid));
            var got = await OneAsync(Item(Operation.Get, Payload(Uid(uid))));
            Assert.Equal(uid, UidOf(got));
            var block = got.Find(Tag.SymmetricKey)!.Find(Tag.KeyBlock)!;
            Assert.Equal((uint)KeyFormatType.Raw, block.Find(Tag.KeyFormatType)!.AsEnum());
            Assert.Null(block.Find(Tag.KeyWrappingData));
            return KeyMaterialOf(got);
        }

        public async Task<State> PollStateAsync(string uid)
        {
            var body = await OneAsync(Item(Operation.GetAttributes, Payload(Uid(uid), AttributeName("State"))));
            Assert.Equal(uid, UidOf(body));
            var only = Assert.Single(body.FindAll(Tag.Attribute));
            Assert.Equal("State", only.Find(Tag.AttributeName)!.AsText());
            return (State)only.Find(Tag.AttributeValue)!.AsEnum();
        }
    }
}
