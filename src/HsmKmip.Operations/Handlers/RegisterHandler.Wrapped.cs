using HsmKmip.Core.Keys;
using HsmKmip.Operations.Objects;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Payloads;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Operations.Handlers;

/// <summary>
/// Register of a wrapped Key Block (KMIP 1.4 §2.1.5, §4.3): the bytes are unwrapped inside the HSM under the key the
/// Key Wrapping Data names, straight into a transient token object that the KEK then wraps for the store; the
/// plaintext never leaves the token.
/// </summary>
internal sealed partial class RegisterHandler
{
    private async ValueTask<TtlvElement> RegisterWrappedAsync(OperationContext context, ObjectType objectType, TtlvElement block, KeyFormatType format,
        SecretKeyKind kind, List<KmipAttribute> attributes, byte[]? publicMaterial, CancellationToken cancellationToken)
    {
        var declaredBits = block.Find(Tag.CryptographicLength) is { } l ? Lenient.Number(l, "Cryptographic Length")
            : attributes.FirstOrDefault(a => a.Name == "Cryptographic Length")?.Value is { Type: TtlvType.Integer } a ? a.AsInt32() : (long?)null;
        if (declaredBits is { } bits && (bits <= 0 || bits % 8 != 0 || bits > 65536 * 8))
        {
            throw KmipException.InvalidField($"Cryptographic Length {bits} is not a whole number of bytes of key.");
        }
        var wrapped = await UnwrapKeyBlockAsync(objects, context, block, format, kind, declaredBits is { } b ? (int)(b / 8) : null, cancellationToken).ConfigureAwait(false);
        SetIfAbsent(attributes, "Cryptographic Length", TtlvElement.Integer(Tag.AttributeValue, wrapped.LengthBytes * 8));
        return await StoreAsync(context, objectType, attributes, wrapped, publicMaterial, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Unwraps a wrapped Key Block in the HSM and returns its key wrapped under the KEK. Only Encoding Option No
    /// Encoding can be unwrapped in the token (a TTLV-encoded Key Value would have to be parsed in server memory).
    /// The key material itself is never seen here; Digest is left out for that reason.
    /// </summary>
    internal static async ValueTask<WrappedKey> UnwrapKeyBlockAsync(ManagedObjects objects, OperationContext context, TtlvElement block,
        KeyFormatType expectedFormat, SecretKeyKind kind, int? lengthBytes, CancellationToken cancellationToken)
    {
        var request = KeyWrapSpecification.Read(block.Find(Tag.KeyWrappingData)!);
        if (request.Encoding != EncodingOption.NoEncoding)
        {
            throw new KmipException(ResultReason.FeatureNotSupported, "A wrapped Key Block is registered only with Encoding Option No Encoding (the key bytes wrapped); TTLV-encoded wrapped Key Values are not supported.");
        }
        var format = block.Find(Tag.KeyFormatType) is { } f ? (KeyFormatType)Lenient.Enumeration(f, "Key Format Type") : throw KmipException.MissingData("Key Block lacks its Key Format Type.");
        if (format != expectedFormat)
        {
            throw new KmipException(ResultReason.KeyFormatTypeNotSupported, $"A wrapped key of this object type is registered as {expectedFormat}, not {format}.");
        }
        // With No Encoding the wrapped bytes are the Key Material inside the Key Value structure (KMIP 1.4 §2.1.5); a bare
        // Byte String Key Value is accepted too.
        var value = block.Find(Tag.KeyValue) switch
        {
            { Type: TtlvType.ByteString } bytes => bytes.AsBytes(),
            { Type: TtlvType.Structure } structure when structure.Find(Tag.KeyMaterial) is { Type: TtlvType.ByteString } material => material.AsBytes(),
            _ => throw KmipException.InvalidField("The Key Value of a wrapped Key Block must hold the wrapped bytes as its Key Material (a Byte String)."),
        };
        var unwrapper = await KeyWrapKeys.LoadAsync(objects, context, request, wrap: false, cancellationToken).ConfigureAwait(false);
        return await objects.UnwrapClientKeyAsync(value, unwrapper, kind, lengthBytes, cancellationToken).ConfigureAwait(false);
    }
}
