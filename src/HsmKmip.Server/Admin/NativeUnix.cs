using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace HsmKmip.Server.Admin;

/// <summary>The few Linux calls .NET does not expose: the effective uid, a file's owner, a Unix socket peer's uid and an inherited ignored SIGHUP.</summary>
internal static partial class NativeUnix
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private const int AtFdCwd = -100;
    private const uint StatxUid = 0x8;

    /// <summary>This process's effective uid.</summary>
    public static uint EffectiveUserId => NativeMethods.GetEuid();

    /// <summary>The owner uid of <paramref name="path"/>, or null when it cannot be read. statx's layout is the same on every architecture.</summary>
    public static uint? OwnerOf(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (NativeMethods.Statx(AtFdCwd, path, 0, StatxUid, ref MemoryMarshal.GetReference(buffer)) != 0) return null;
        return BitConverter.ToUInt32(buffer[20..24]); // struct statx: stx_uid at offset 20
    }

    /// <summary>The uid of the process at the other end of a connected Unix domain socket (SO_PEERCRED).</summary>
    public static uint PeerUserId(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Span<byte> credentials = stackalloc byte[12]; // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        int length = socket.GetRawSocketOption(SolSocket, SoPeerCred, credentials);
        if (length < 12) throw new SocketException((int)SocketError.ProtocolOption);
        return BitConverter.ToUInt32(credentials[4..8]);
    }

    /// <summary>The user name of <paramref name="uid"/> from /etc/passwd, or the number.</summary>
    public static string UserName(uint uid)
    {
        var text = uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var fields = line.Split(':');
                if (fields.Length > 2 && fields[2] == text) return fields[0];
            }
        }
        catch (IOException)
        {
        }
        return text;
    }

    /// <summary>The uid and gid of user <paramref name="name"/> from /etc/passwd, or null when there is no such user.</summary>
    public static (uint Uid, uint Gid)? LookupUser(string name)
    {
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var fields = line.Split(':');
            if (fields.Length > 3 && fields[0] == name
                && uint.TryParse(fields[2], System.Globalization.CultureInfo.InvariantCulture, out var uid)
                && uint.TryParse(fields[3], System.Globalization.CultureInfo.InvariantCulture, out var gid))
            {
                return (uid, gid);
            }
        }
        return null;
    }

    /// <summary>Gives <paramref name="path"/> and everything under it to uid/gid (symbolic links themselves, never their targets).</summary>
    public static void ChownTree(string path, uint uid, uint gid)
    {
        Chown(path, uid, gid);
        if (!Directory.Exists(path)) return;
        foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            Chown(entry, uid, gid);
        }
    }

    private static void Chown(string path, uint uid, uint gid)
    {
        if (NativeMethods.Lchown(path, uid, gid) != 0)
        {
            throw new IOException($"Cannot give {path} to uid {uid} (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>
    /// Gives SIGHUP back its default disposition when the process inherited it ignored (started under nohup, or by a
    /// parent that ignores it): .NET keeps an inherited SIG_IGN, so a PosixSignalRegistration for SIGHUP would never run.
    /// </summary>
    public static void UnignoreSighup()
    {
        const int SigHup = 1;
        nint previous = NativeMethods.Signal(SigHup, 0); // SIG_DFL; the runtime's registration installs its handler over it
        if (previous != 1) NativeMethods.Signal(SigHup, previous); // it was not SIG_IGN: put back what was there
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc.so.6", EntryPoint = "signal")]
        internal static partial nint Signal(int signal, nint handler);

        [LibraryImport("libc.so.6", EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Lchown(string path, uint owner, uint group);

        [LibraryImport("libc.so.6", EntryPoint = "geteuid")]
        internal static partial uint GetEuid();

        [LibraryImport("libc.so.6", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte buffer);
    }
}
