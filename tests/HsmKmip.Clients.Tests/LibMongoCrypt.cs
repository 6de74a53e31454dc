using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace HsmKmip.Clients.Tests;

/// <summary>
/// P/Invoke into Debian's libmongocrypt0 (1.7.x, the library every MongoDB driver uses for CSFLE and Queryable
/// Encryption) and the libbson it links, only as far as the KMIP tests drive it: the handle, contexts, the KMS
/// sub-contexts whose bytes the test carries to HsmKmip, and JSON ↔ BSON through libbson.
/// </summary>
internal static partial class LibMongoCrypt
{
    private const string Crypt = "libmongocrypt.so.0";
    private const string Bson = "libbson-1.0.so.0";

    // NuGet's libmongocrypt 1.11 (LibMongoCrypt111Tests) has the same soname; once the .NET wrapper has loaded it, a
    // plain dlopen("libmongocrypt.so.0") returns that copy. Debian's is therefore opened by its full path.
    static LibMongoCrypt() => NativeLibrary.SetDllImportResolver(typeof(LibMongoCrypt).Assembly, (name, assembly, path) =>
        name == Crypt && DebianLibrary() is { } debian ? NativeLibrary.Load(debian) : IntPtr.Zero);

    private static string? DebianLibrary() =>
        Directory.GetDirectories("/usr/lib", "*-linux-gnu").Select(d => Path.Combine(d, Crypt)).FirstOrDefault(File.Exists);

    /// <summary>mongocrypt_ctx_state_t.</summary>
    public enum State
    {
        Error = 0,
        NeedMongoCollInfo = 1,
        NeedMongoMarkings = 2,
        NeedMongoKeys = 3,
        NeedKms = 4,
        Ready = 5,
        Done = 6,
        NeedKmsCredentials = 7,
    }

    [LibraryImport(Crypt, EntryPoint = "mongocrypt_new")] public static partial IntPtr New();
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_destroy")] public static partial void Destroy(IntPtr crypt);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_init")] [return: MarshalAs(UnmanagedType.U1)] public static partial bool Init(IntPtr crypt);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_setopt_kms_providers")] [return: MarshalAs(UnmanagedType.U1)] public static partial bool SetKmsProviders(IntPtr crypt, IntPtr bin);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_status")] [return: MarshalAs(UnmanagedType.U1)] public static partial bool Status(IntPtr crypt, IntPtr status);

    [LibraryImport(Crypt, EntryPoint = "mongocrypt_ctx_new")] public static partial IntPtr CtxNew(IntPtr crypt);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_ctx_destroy")] public static partial void CtxDestroy(IntPtr ctx);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_ctx_status")] [return: MarshalAs(UnmanagedType.U1)] public static partial bool CtxStatus(IntPtr ctx, IntPtr status);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_ctx_setopt_key_encryption_key")] [return: MarshalAs(UnmanagedType.U1)] public static partial bool SetKeyEncryptionKey(IntPtr ctx, IntPtr bin);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_ctx_setopt_key_id")] [return: MarshalAs(UnmanagedType.U1)] public static partial bool SetKeyId(IntPtr ctx, IntPtr bin);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_ctx_setopt_algorithm", StringMarshalling = StringMarshalling.Utf8)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool SetAlgorithm(IntPtr ctx, string algorithm, int length);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_ctx_datakey_init")] [return: MarshalAs(UnmanagedType.U1)] public static partial bool DataKeyInit(IntPtr ctx);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_ctx_explicit_encrypt_init")] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ExplicitEncryptInit(IntPtr ctx, IntPtr bin);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_ctx_explicit_decrypt_init")] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ExplicitDecryptInit(IntPtr ctx, IntPtr bin);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_ctx_state")] public static partial State CtxState(IntPtr ctx);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_ctx_mongo_op")] [return: MarshalAs(UnmanagedType.U1)] public static partial bool MongoOp(IntPtr ctx, IntPtr bin);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_ctx_mongo_feed")] [return: MarshalAs(UnmanagedType.U1)] public static partial bool MongoFeed(IntPtr ctx, IntPtr bin);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_ctx_mongo_done")] [return: MarshalAs(UnmanagedType.U1)] public static partial bool MongoDone(IntPtr ctx);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_ctx_next_kms_ctx")] public static partial IntPtr NextKms(IntPtr ctx);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_ctx_kms_done")] [return: MarshalAs(UnmanagedType.U1)] public static partial bool KmsDone(IntPtr ctx);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_ctx_finalize")] [return: MarshalAs(UnmanagedType.U1)] public static partial bool CtxFinalize(IntPtr ctx, IntPtr bin);

    [LibraryImport(Crypt, EntryPoint = "mongocrypt_kms_ctx_message")] [return: MarshalAs(UnmanagedType.U1)] public static partial bool KmsMessage(IntPtr kms, IntPtr bin);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_kms_ctx_endpoint")] [return: MarshalAs(UnmanagedType.U1)] public static partial bool KmsEndpoint(IntPtr kms, out IntPtr endpoint);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_kms_ctx_bytes_needed")] public static partial uint KmsBytesNeeded(IntPtr kms);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_kms_ctx_feed")] [return: MarshalAs(UnmanagedType.U1)] public static partial bool KmsFeed(IntPtr kms, IntPtr bin);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_kms_ctx_status")] [return: MarshalAs(UnmanagedType.U1)] public static partial bool KmsStatus(IntPtr kms, IntPtr status);

    [LibraryImport(Crypt, EntryPoint = "mongocrypt_binary_new")] public static partial IntPtr BinaryNew();
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_binary_new_from_data")] public static partial IntPtr BinaryNewFromData(IntPtr data, uint length);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_binary_data")] public static partial IntPtr BinaryData(IntPtr bin);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_binary_len")] public static partial uint BinaryLength(IntPtr bin);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_binary_destroy")] public static partial void BinaryDestroy(IntPtr bin);

    [LibraryImport(Crypt, EntryPoint = "mongocrypt_status_new")] public static partial IntPtr StatusNew();
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_status_message")] public static partial IntPtr StatusMessage(IntPtr status, out uint length);
    [LibraryImport(Crypt, EntryPoint = "mongocrypt_status_destroy")] public static partial void StatusDestroy(IntPtr status);

    [LibraryImport(Bson, EntryPoint = "bson_new_from_json")] private static partial IntPtr BsonFromJson(byte[] json, nint length, byte[] error);
    [LibraryImport(Bson, EntryPoint = "bson_new_from_data")] private static partial IntPtr BsonFromData(byte[] data, nuint length);
    [LibraryImport(Bson, EntryPoint = "bson_as_canonical_extended_json")] private static partial IntPtr BsonAsJson(IntPtr bson, out nuint length);
    [LibraryImport(Bson, EntryPoint = "bson_get_data")] private static partial IntPtr BsonData(IntPtr bson);
    [LibraryImport(Bson, EntryPoint = "bson_destroy")] private static partial void BsonDestroy(IntPtr bson);
    [LibraryImport(Bson, EntryPoint = "bson_free")] private static partial void BsonFree(IntPtr memory);

    /// <summary>BSON bytes of an extended-JSON document, through libbson.</summary>
    public static byte[] ToBson(string json)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);
        var error = new byte[512];
        var bson = BsonFromJson(utf8, utf8.Length, error);
        if (bson == IntPtr.Zero) throw new InvalidOperationException($"libbson refused {json}: {Encoding.UTF8.GetString(error, 8, 504).TrimEnd('\0')}");
        try
        {
            var data = BsonData(bson);
            var bytes = new byte[Marshal.ReadInt32(data)];
            Marshal.Copy(data, bytes, 0, bytes.Length);
            return bytes;
        }
        finally
        {
            BsonDestroy(bson);
        }
    }

    /// <summary>Canonical extended JSON of BSON bytes, through libbson.</summary>
    public static string ToJson(byte[] bson)
    {
        var doc = BsonFromData(bson, (nuint)bson.Length);
        if (doc == IntPtr.Zero) throw new InvalidOperationException("libbson refused the document.");
        try
        {
            var json = BsonAsJson(doc, out _);
            try
            {
                return Marshal.PtrToStringUTF8(json)!;
            }
            finally
            {
                BsonFree(json);
            }
        }
        finally
        {
            BsonDestroy(doc);
        }
    }

    /// <summary>Runs <paramref name="use"/> with a mongocrypt_binary_t viewing a pinned copy of <paramref name="bytes"/>.</summary>
    public static T WithBinary<T>(byte[] bytes, Func<IntPtr, T> use)
    {
        var pinned = GCHandle.Alloc(bytes, GCHandleType.Pinned);
        var bin = BinaryNewFromData(pinned.AddrOfPinnedObject(), (uint)bytes.Length);
        try
        {
            return use(bin);
        }
        finally
        {
            BinaryDestroy(bin);
            pinned.Free();
        }
    }

    /// <summary>The bytes an out-binary views, copied.</summary>
    public static byte[] Read(IntPtr bin)
    {
        var bytes = new byte[BinaryLength(bin)];
        if (bytes.Length > 0) Marshal.Copy(BinaryData(bin), bytes, 0, bytes.Length);
        return bytes;
    }

    /// <summary>The message of a status filled by <paramref name="fill"/>.</summary>
    public static string StatusText(Func<IntPtr, bool> fill)
    {
        var status = StatusNew();
        try
        {
            fill(status);
            var text = StatusMessage(status, out _);
            return text == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(text) ?? "";
        }
        finally
        {
            StatusDestroy(status);
        }
    }

    /// <summary>A little-endian int32 length prefix check: BSON documents carry their own size.</summary>
    public static bool IsDocument(ReadOnlySpan<byte> bson) => bson.Length >= 5 && BinaryPrimitives.ReadInt32LittleEndian(bson) == bson.Length;
}
