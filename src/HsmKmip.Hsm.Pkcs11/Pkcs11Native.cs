using System.Reflection;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmKmip.Hsm.Pkcs11;

/// <summary>Process-wide native fix-ups that must happen before a PKCS#11 module is loaded.</summary>
public static partial class Pkcs11Native
{
    private static readonly Lock s_gate = new();
    private static bool s_resolverInstalled;

    /// <summary>
    /// Pkcs11Interop 5.3.0 P/Invokes <c>dlopen</c> from "libdl", a name glibc 2.36 (Debian 12) no longer ships
    /// without libc6-dev. glibc 2.34+ has dlopen in libc itself, so "libdl" is mapped to libc.so.6
    /// (mapping to libdl.so.2 crashed, see PLATFORM-NOTES). Idempotent.
    /// </summary>
    public static void InstallLibdlResolver()
    {
        lock (s_gate)
        {
            if (s_resolverInstalled) return;
            if (OperatingSystem.IsLinux())
            {
                try
                {
                    NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, Resolve);
                }
                catch (InvalidOperationException)
                {
                    // The host installed its own resolver first; respect it.
                }
            }
            s_resolverInstalled = true;
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName == "libdl" || libraryName.StartsWith("libdl.", StringComparison.Ordinal))
        {
            return NativeLibrary.Load("libc.so.6");
        }
        return IntPtr.Zero;
    }

    /// <summary>
    /// Sets an environment variable in the native environ as well as .NET's copy. .NET's
    /// <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not change what native code reads with
    /// getenv (libsofthsm2 reads SOFTHSM2_CONF in C_Initialize), so libc setenv is called too.
    /// </summary>
    public static void SetNativeEnvironmentVariable(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (!OperatingSystem.IsWindows() && NativeMethods.SetEnv(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv({name}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Reads the native environ (getenv), for tests and diagnostics.</summary>
    public static string? GetNativeEnvironmentVariable(string name) =>
        OperatingSystem.IsWindows() ? Environment.GetEnvironmentVariable(name) : Marshal.PtrToStringUTF8(NativeMethods.GetEnv(name));

    /// <summary>
    /// Gives glibc's free heap pages back to the system (malloc_trim): after a module is finalised its objects went back
    /// to glibc's per-thread arenas, which keep freed memory for reuse by the thread that freed it.
    /// </summary>
    public static void TrimNativeHeap()
    {
        if (OperatingSystem.IsLinux()) _ = NativeMethods.MallocTrim(0);
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc.so.6", EntryPoint = "malloc_trim")]
        internal static partial int MallocTrim(nuint pad);

        [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int SetEnv(string name, string value, int overwrite);

        [LibraryImport("libc.so.6", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial IntPtr GetEnv(string name);
    }
}
