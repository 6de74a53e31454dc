using System.Diagnostics;
using HsmKmip.Hsm.Pkcs11;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Xunit;

namespace HsmKmip.Hsm.Pkcs11.Tests;

/// <summary>
/// One SoftHSM2 token per test run, in a temp folder. SoftHSM reads SOFTHSM2_CONF once per process, so every test
/// class shares this fixture (one collection: the tests run one after another, which recovery tests need anyway).
/// </summary>
public sealed class SoftHsmFixture : IDisposable
{
    public SoftHsmFixture()
    {
        StateDir = Directory.CreateTempSubdirectory("hsmkmip-softhsm-").FullName;
        Label = "t" + Guid.NewGuid().ToString("N")[..12];
        Options = SoftHsmToken.EnsureEmbeddedToken(StateDir, Label);
        Options.SessionPoolSize = 8;
        // Several tests count the token's objects around their work; cached key handles would be counted too. The
        // cache has its own backends in HandleCacheTests.
        Options.KeyCacheSize = 0;
        Backend = Pkcs11KeyBackend.Open(Options);
    }

    public string StateDir { get; }

    public string Label { get; }

    public Pkcs11Options Options { get; }

    public Pkcs11KeyBackend Backend { get; }

    public string ConfigPath => Path.Combine(StateDir, "softhsm2.conf");

    public string UserPin => File.ReadAllText(Options.PinFile!).Trim();

    /// <summary>
    /// Secret-key objects (token and session) this process can see on the token, counted through a separate session,
    /// except each backend's session copy of its KEK (a session object with the KEK's label, made once at start).
    /// </summary>
    internal int CountSecretKeys()
    {
        var module = Pkcs11Module.Acquire(Options.ModulePath);
        try
        {
            module.Gate.EnterReadLock();
            try
            {
                var slot = module.Library.GetSlotList(SlotsType.WithTokenPresent).First(s => s.GetTokenInfo().Label.Trim() == Label);
                using var session = slot.OpenSession(SessionType.ReadOnly);
                var f = module.Factories.ObjectAttributeFactory;
                var prefix = Options.KekLabelPrefix + "-";
                return session.FindAllObjects([f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY)]).Count(handle =>
                {
                    var attributes = session.GetAttributeValue(handle, [CKA.CKA_TOKEN, CKA.CKA_LABEL]);
                    bool kekCopy = !attributes[0].GetValueAsBool() && attributes[1].GetValueAsString()?.StartsWith(prefix, StringComparison.Ordinal) == true;
                    return !kekCopy;
                });
            }
            finally
            {
                module.Gate.ExitReadLock();
            }
        }
        finally
        {
            module.Release();
        }
    }

    /// <summary>Destroys the token's secret keys whose label starts with <paramref name="prefix"/> (a test's own KEKs), through a separate session.</summary>
    internal void DestroyKeksLabelled(string prefix)
    {
        var module = Pkcs11Module.Acquire(Options.ModulePath);
        try
        {
            module.Gate.EnterWriteLock();
            try
            {
                var slot = module.Library.GetSlotList(SlotsType.WithTokenPresent).First(s => s.GetTokenInfo().Label.Trim() == Label);
                using var session = slot.OpenSession(SessionType.ReadWrite);
                var f = module.Factories.ObjectAttributeFactory;
                foreach (var handle in session.FindAllObjects([f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY)]))
                {
                    var label = session.GetAttributeValue(handle, [CKA.CKA_LABEL])[0].GetValueAsString();
                    if (label is not null && label.StartsWith(prefix, StringComparison.Ordinal)) session.DestroyObject(handle);
                }
            }
            finally
            {
                module.Gate.ExitWriteLock();
            }
        }
        finally
        {
            module.Release();
        }
    }

    /// <summary>Runs a tool with SOFTHSM2_CONF pointing at this run's token.</summary>
    public static (int ExitCode, string Output) Run(string file, string config, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["SOFTHSM2_CONF"] = config;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    public void Dispose()
    {
        Backend.Dispose();
        try
        {
            Directory.Delete(StateDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SoftHsmCollection : ICollectionFixture<SoftHsmFixture>, ICollectionFixture<OpencryptokiFixture>
{
    public const string Name = "SoftHSM";
}
