using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using HsmKmip.Core.Keys;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// The PKCS#11 operation (KMIP 2.1 §6.1.35), with the access rules a server in front of a real token needs:
/// <list type="bullet">
/// <item>off unless the access policy grants the operation PKCS_11 to a group the client is in (no policy file: nobody);</item>
/// <item>only the general-purpose functions C_Initialize, C_GetInfo and C_Finalize (PKCS#11 3.0 §5.4), the ones the
/// OASIS PKCS11-M-1 files use. None of them opens a session, logs in, or names a slot, token or object, so the
/// operation can never expose the token's login, its objects or key material; every other function is refused with
/// PKCS#11 Invalid Function;</item>
/// <item>C_Initialize does not re-initialise the module the server runs on: it opens a per-client context whose
/// Correlation Value the later calls must present; C_Finalize closes it.</item>
/// </list>
/// </summary>
internal sealed class Pkcs11Handler(ManagedObjects objects) : IOperationHandler<Pkcs11Request, Pkcs11Response>
{
    /// <summary>Most clients with a context open at once.</summary>
    public const int MaxContexts = 1024;

    /// <summary>CK_INFO's encoded length: two CK_VERSIONs, two 32-byte texts and a 64-bit CK_FLAGS.</summary>
    public const int InfoLength = 2 + 32 + 8 + 32 + 2;

    private readonly ConcurrentDictionary<string, byte[]> _contexts = new(StringComparer.Ordinal);

    public async ValueTask<Pkcs11Response> ExecuteAsync(OperationContext context, Pkcs11Request request, CancellationToken cancellationToken)
    {
        var client = context.Client.Identity;
        if (!objects.Policy.MayRun(client, Operation.PKCS_11))
        {
            throw new KmipException(ResultReason.PermissionDenied,
                "The PKCS#11 operation is off unless the access policy grants operation PKCS_11 to a group this client is in.");
        }
        switch ((PKCS11Function)request.Function)
        {
            case PKCS11Function.C_Initialize:
                if (_contexts.Count >= MaxContexts && !_contexts.ContainsKey(client))
                {
                    return new Pkcs11Response(request.Function, null, null, PKCS11ReturnCode.GeneralError);
                }
                var correlation = RandomNumberGenerator.GetBytes(16);
                _contexts[client] = correlation;
                return new Pkcs11Response(request.Function, correlation, null, PKCS11ReturnCode.OK);
            case PKCS11Function.C_GetInfo:
                if (!Open(client, request.CorrelationValue)) return new Pkcs11Response(request.Function, null, null, PKCS11ReturnCode.CryptokiNotInitialized);
                var info = await objects.ModuleInfoAsync(cancellationToken).ConfigureAwait(false);
                return new Pkcs11Response(request.Function, null, Encode(info), PKCS11ReturnCode.OK);
            case PKCS11Function.C_Finalize:
                if (!Open(client, request.CorrelationValue)) return new Pkcs11Response(request.Function, null, null, PKCS11ReturnCode.CryptokiNotInitialized);
                _contexts.TryRemove(client, out _);
                return new Pkcs11Response(request.Function, null, null, PKCS11ReturnCode.OK);
            default:
                throw new KmipException(ResultReason.PKCS_11InvalidFunction,
                    $"PKCS#11 function {request.Function} is not offered; this server runs only C_Initialize, C_GetInfo and C_Finalize.");
        }
    }

    private bool Open(string client, byte[]? correlation) =>
        correlation is not null && _contexts.TryGetValue(client, out var open) && CryptographicOperations.FixedTimeEquals(open, correlation);

    /// <summary>
    /// CK_INFO in the byte layout the OASIS file shows: cryptokiVersion (major, minor), manufacturerID (32 bytes, blank
    /// padded), flags (8 bytes, big-endian), libraryDescription (32 bytes, blank padded), libraryVersion.
    /// </summary>
    internal static byte[] Encode(ModuleInfo info)
    {
        var bytes = new byte[InfoLength];
        bytes[0] = info.CryptokiMajor;
        bytes[1] = info.CryptokiMinor;
        Text(info.Manufacturer, bytes.AsSpan(2, 32));
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(34, 8), info.Flags);
        Text(info.Description, bytes.AsSpan(42, 32));
        bytes[74] = info.LibraryMajor;
        bytes[75] = info.LibraryMinor;
        return bytes;
    }

    private static void Text(string text, Span<byte> field)
    {
        field.Fill((byte)' ');
        var ascii = Encoding.ASCII.GetBytes(text.TrimEnd());
        ascii.AsSpan(0, Math.Min(ascii.Length, field.Length)).CopyTo(field);
    }
}
