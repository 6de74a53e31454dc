using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>
/// One loaded PKCS#11 module per process and path. PKCS#11 state (initialisation, login, session objects) is
/// per process, and Pkcs11Interop's library Dispose calls C_Finalize, so every backend on the same module shares
/// this instance (reference counted) and its gate: calls enter the read side, anything that resets sessions or
/// the library takes the write side so no thread is inside the module meanwhile (PLATFORM-NOTES: crashes).
/// </summary>
internal sealed class Pkcs11Module
{
    private static readonly Dictionary<string, Pkcs11Module> s_modules = new(StringComparer.Ordinal);
    private static readonly Lock s_registry = new();

    private int _references;

    private Pkcs11Module(string path, Pkcs11InteropFactories factories, IPkcs11Library library, Net.Pkcs11Interop.LowLevelAPI80.Pkcs11Library? lowLevel)
    {
        Path = path;
        Factories = factories;
        Library = library;
        LowLevel = lowLevel;
    }

    public string Path { get; }

    public Pkcs11InteropFactories Factories { get; }

    public IPkcs11Library Library { get; private set; }

    /// <summary>
    /// A second, low-level handle on the same module (dlopen counts references: the same loaded library, the same
    /// sessions and objects) for the calls the high-level API makes dearer than they need be: it reads an attribute
    /// by asking for its length first and copying the value through managed arrays (<see cref="ValueReader"/>). Only
    /// where CK_ULONG is 64 bits and structures are not packed (Linux and macOS on 64-bit; Pkcs11Interop's "80" API);
    /// null elsewhere, and callers fall back to the high-level API. It never calls C_Initialize or C_Finalize, and is
    /// dropped and opened again around <see cref="Reinitialize"/> (read it only under the read side of <see cref="Gate"/>).
    /// </summary>
    public Net.Pkcs11Interop.LowLevelAPI80.Pkcs11Library? LowLevel { get; private set; }

    private static Net.Pkcs11Interop.LowLevelAPI80.Pkcs11Library? OpenLowLevel(string path) =>
        Platform.NativeULongSize == 8 && Platform.StructPackingSize == 0 ? new(path) : null;

    /// <summary>Readers: any call into the module. Writer: session reset, C_Finalize/C_Initialize.</summary>
    public ReaderWriterLockSlim Gate { get; } = new(LockRecursionPolicy.NoRecursion);

    /// <summary>
    /// Bumped by <see cref="Reinitialize"/>: every session, login and object handle opened before is dead, in every
    /// backend on this module (each compares it with the generation its sessions were opened in).
    /// </summary>
    public int Generation { get; private set; }

    /// <summary>Loads (or shares) the module at <paramref name="path"/>, initialised with CKF_OS_LOCKING_OK.</summary>
    public static Pkcs11Module Acquire(string path)
    {
        Pkcs11Native.InstallLibdlResolver();
        lock (s_registry)
        {
            if (!s_modules.TryGetValue(path, out var module))
            {
                var factories = new Pkcs11InteropFactories();
                var library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, path, AppType.MultiThreaded);
                Net.Pkcs11Interop.LowLevelAPI80.Pkcs11Library? lowLevel = null;
                try
                {
                    lowLevel = OpenLowLevel(path);
                }
                catch
                {
                    library.Dispose();
                    throw;
                }
                module = new Pkcs11Module(path, factories, library, lowLevel);
                s_modules.Add(path, module);
            }
            module._references++;
            return module;
        }
    }

    /// <summary>
    /// C_Finalize and unload, then load and C_Initialize again: the only way to make SoftHSM 2.6 free the session
    /// objects it destroyed (see Pkcs11KeyBackend.Recycle.cs). The caller holds the write side of <see cref="Gate"/>,
    /// so no thread is inside the module (PLATFORM-NOTES: re-initialising under running calls crashed SoftHSM), and
    /// re-opens its sessions and login afterwards. Unloading is what the high-level library offers (its Dispose
    /// finalises); a second low-level handle that finalised the module segfaulted SoftHSM 2.6.1 here.
    /// </summary>
    public void Reinitialize()
    {
        if (!Gate.IsWriteLockHeld) throw new InvalidOperationException("Re-initialising the PKCS#11 module needs the write side of its gate.");
        // The low-level handle's dlopen reference goes first, so that the high-level Dispose really unloads the module.
        LowLevel?.Dispose();
        LowLevel = null;
        Library.Dispose();
        Library = Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, Path, AppType.MultiThreaded);
        Generation++;
        LowLevel = OpenLowLevel(Path);
        Pkcs11Native.TrimNativeHeap(); // the finalised module's objects, freed into glibc's arenas, go back to the system
    }

    /// <summary>Drops one reference; the last one finalises and unloads the module.</summary>
    public void Release()
    {
        lock (s_registry)
        {
            if (--_references > 0) return;
            s_modules.Remove(Path);
        }
        Gate.EnterWriteLock();
        try
        {
            // The low-level handle only drops its dlopen reference; the high-level one finalises and unloads.
            LowLevel?.Dispose();
            Library.Dispose();
        }
        finally
        {
            Gate.ExitWriteLock();
        }
    }
}
