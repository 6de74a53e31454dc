namespace HsmKmip.Fuzz.Targets;

/// <summary>
/// One fuzz target: the bytes a client controls, fed to one parser the way the server feeds it. A target returns
/// normally for every input the server answers with a protocol error (the exception types the server catches there);
/// anything else escaping it is a crash for afl++ and a failing regression test.
/// </summary>
/// <param name="Name">The command-line name (`dotnet HsmKmip.Fuzz.dll NAME`), also the corpus folder name.</param>
/// <param name="Run">Runs one input.</param>
public sealed record FuzzTarget(string Name, string Description, Action<byte[]> Run);

/// <summary>A property a target checks beyond "does not throw" (for example, a round trip) did not hold.</summary>
public sealed class FuzzInvariantException : Exception
{
    public FuzzInvariantException() { }

    public FuzzInvariantException(string message) : base(message) { }

    public FuzzInvariantException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The targets, by name.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("ttlv", "TTLV frame scanner, decoder and hex dump; decode(encode(x)) is stable", TtlvTarget.Run),
        new("xml", "KMIP XML encoding (Profiles 1.4 §5.4) as an HTTP body: the server's BodyEncoding.ToTtlv", BodyTarget.RunXml),
        new("json", "KMIP JSON encoding (Profiles 1.4 §5.5) as an HTTP body: the server's BodyEncoding.ToTtlv", BodyTarget.RunJson),
        new("http", "Protocol sniffer, HTTP request head, framing, Content-Type and body reader of the HTTPS binding", HttpTarget.Run),
        new("request", "Request message parser and every batch item's typed payload, then the error response the server would send", RequestTarget.Run),
    ];

    /// <summary>
    /// A target that crashes as soon as the first byte of its seed changes: proves, in the short CI run, that afl-fuzz
    /// and the instrumented copy really report a crash (a harness that cannot fail proves nothing). Not in <see cref="All"/>.
    /// </summary>
    public static FuzzTarget Canary { get; } = new("canary", "fails on any first byte but 'A' (self-check of the harness)", Fuzz.Canary.CanaryTarget.Run);

    public static FuzzTarget? Find(string name) => name == Canary.Name ? Canary : All.FirstOrDefault(t => t.Name == name);
}
