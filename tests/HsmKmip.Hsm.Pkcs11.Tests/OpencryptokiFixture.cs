using HsmKmip.Tests.Opencryptoki;

namespace HsmKmip.Hsm.Pkcs11.Tests;

/// <summary>
/// opencryptoki's swtok for the whole collection (<see cref="Swtok"/>), brought up by the first test that asks for it
/// and taken down after the collection: one per test process, and libopencryptoki is loaded once and never unloaded
/// (unloading it and loading it again crashed the test host in 2 of 2 runs here, and unloading it once crashed the
/// host at exit when other test classes had run).
/// </summary>
public sealed class OpencryptokiFixture : IDisposable
{
    private readonly Lazy<Swtok> _token = new(() =>
    {
        // CI runs the client tests' opencryptoki daemon at the same time: a generous wait for its lock.
        var token = Swtok.Up(TimeSpan.FromMinutes(5));
        _ = Pkcs11Module.Acquire(token.ModulePath);
        return token;
    });

    private readonly Lazy<Pkcs11KeyBackend> _backend;

    public OpencryptokiFixture() => _backend = new Lazy<Pkcs11KeyBackend>(() => Pkcs11KeyBackend.Open(Options()));

    public string Label => _token.Value.Label;

    public string PinFile => _token.Value.PinFile;

    public string ModulePath => _token.Value.ModulePath;

    /// <summary>The adapter on the swtok (handle cache off, as the SoftHSM fixture's: tests count objects).</summary>
    public Pkcs11KeyBackend Backend => _backend.Value;

    /// <summary>Options for another backend on the swtok (a test's own KEK prefix, say).</summary>
    public Pkcs11Options Options(string? kekLabelPrefix = null) => new()
    {
        ModulePath = ModulePath, TokenLabel = Label, PinFile = PinFile, SessionPoolSize = 4, KeyCacheSize = 0,
        KekLabelPrefix = kekLabelPrefix ?? "hsmkmip-kek",
    };

    public void Dispose()
    {
        if (_backend.IsValueCreated) _backend.Value.Dispose();
        if (_token.IsValueCreated) _token.Value.Dispose();
    }
}
