using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;
using Npgsql;
using NpgsqlTypes;

namespace HsmKmip.Store.Postgres;

/// <summary>
/// StoredObject ⇄ one hsmkmip_objects row, by hand. Column names are persisted: rename one only with a schema step.
/// The attribute list is one bytea in a small length-prefixed layout (name, index, value) so that any TTLV value
/// keeps its exact bytes; attribute_keys holds one SHA-256 per (name, value) for Locate's index.
/// </summary>
internal static class RowMapper
{
    /// <summary>Every column a read selects, in the order <see cref="Read"/> expects.</summary>
    public const string Columns =
        "uid, object_type, state, owner, version, initial_date, initial_offset, last_change_date, last_change_offset, " +
        "activation_date, activation_offset, deactivation_date, deactivation_offset, destroy_date, destroy_offset, " +
        "archive_date, archive_offset, names, groups, attributes, kek, wrap_algorithm, secret_kind, secret_length, blob, public_material";

    /// <summary>The columns a write sets (everything but uid and seq), as "name = @name" pairs and as a name list.</summary>
    public static readonly string[] WriteColumns =
    [
        "object_type", "state", "owner", "version", "initial_date", "initial_offset", "last_change_date", "last_change_offset",
        "activation_date", "activation_offset", "deactivation_date", "deactivation_offset", "destroy_date", "destroy_offset",
        "archive_date", "archive_offset", "names", "groups", "attributes", "attribute_keys", "kek", "wrap_algorithm",
        "secret_kind", "secret_length", "blob", "public_material",
    ];

    /// <summary>Adds @uid and every write column's parameter for <paramref name="obj"/>, with <paramref name="version"/>.</summary>
    public static void AddParameters(NpgsqlParameterCollection p, StoredObject obj, long version, string suffix = "")
    {
        p.AddWithValue("uid" + suffix, obj.UniqueIdentifier);
        p.AddWithValue("object_type" + suffix, (long)obj.ObjectType);
        p.AddWithValue("state" + suffix, (long)obj.State);
        p.AddWithValue("owner" + suffix, obj.Owner);
        p.AddWithValue("version" + suffix, version);
        Date(p, "initial", suffix, obj.InitialDate);
        Date(p, "last_change", suffix, obj.LastChangeDate);
        Date(p, "activation", suffix, obj.ActivationDate);
        Date(p, "deactivation", suffix, obj.DeactivationDate);
        Date(p, "destroy", suffix, obj.DestroyDate);
        Date(p, "archive", suffix, obj.ArchiveDate);
        p.Add(new NpgsqlParameter("names" + suffix, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = obj.Names.ToArray() });
        p.Add(new NpgsqlParameter("groups" + suffix, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = obj.ObjectGroups.ToArray() });
        p.AddWithValue("attributes" + suffix, NpgsqlDbType.Bytea, EncodeAttributes(obj.Attributes));
        p.Add(new NpgsqlParameter("attribute_keys" + suffix, NpgsqlDbType.Array | NpgsqlDbType.Text)
        {
            Value = obj.Attributes.Select(a => AttributeKey(a.Name, a.Value)).Distinct(StringComparer.Ordinal).ToArray(),
        });
        var secret = obj.WrappedSecret;
        Nullable(p, "kek" + suffix, NpgsqlDbType.Text, secret?.KekId);
        Nullable(p, "wrap_algorithm" + suffix, NpgsqlDbType.Text, secret?.WrapAlgorithm);
        Nullable(p, "secret_kind" + suffix, NpgsqlDbType.Integer, secret is null ? null : (int)secret.Kind);
        Nullable(p, "secret_length" + suffix, NpgsqlDbType.Integer, secret?.LengthBytes);
        Nullable(p, "blob" + suffix, NpgsqlDbType.Bytea, secret?.Blob);
        Nullable(p, "public_material" + suffix, NpgsqlDbType.Bytea, obj.PublicMaterial);
    }

    /// <summary>The object in the current row of a reader over <see cref="Columns"/>.</summary>
    public static StoredObject Read(NpgsqlDataReader r)
    {
        var uid = r.GetString(0);
        return new StoredObject
        {
            UniqueIdentifier = uid,
            ObjectType = checked((uint)r.GetInt64(1)),
            State = checked((uint)r.GetInt64(2)),
            Owner = r.GetString(3),
            Version = r.GetInt64(4),
            InitialDate = Date(r, 5) ?? throw Corrupt(uid, "initial_date"),
            LastChangeDate = Date(r, 7) ?? throw Corrupt(uid, "last_change_date"),
            ActivationDate = Date(r, 9),
            DeactivationDate = Date(r, 11),
            DestroyDate = Date(r, 13),
            ArchiveDate = Date(r, 15),
            Names = r.GetFieldValue<string[]>(17),
            ObjectGroups = r.GetFieldValue<string[]>(18),
            Attributes = DecodeAttributes(r.GetFieldValue<byte[]>(19), uid),
            WrappedSecret = r.IsDBNull(24)
                ? null
                : new WrappedKey(r.GetFieldValue<byte[]>(24), r.GetString(20), r.GetString(21), (SecretKeyKind)r.GetInt32(22), r.GetInt32(23)) { BoundTo = uid },
            PublicMaterial = r.IsDBNull(25) ? null : r.GetFieldValue<byte[]>(25),
        };
    }

    /// <summary>The index key of one attribute value: SHA-256 over name, a zero byte and the value bytes, in hex.</summary>
    public static string AttributeKey(string name, byte[] value)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[nameBytes.Length + 1 + value.Length];
        nameBytes.CopyTo(input, 0);
        value.CopyTo(input, nameBytes.Length + 1);
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }

    public static byte[] EncodeAttributes(IReadOnlyList<StoredAttribute> attributes)
    {
        using var buffer = new MemoryStream();
        var word = new byte[4];
        void Int(int value)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, value);
            buffer.Write(word);
        }
        foreach (var a in attributes)
        {
            var name = Encoding.UTF8.GetBytes(a.Name);
            Int(name.Length);
            buffer.Write(name);
            Int(a.Index);
            Int(a.Value.Length);
            buffer.Write(a.Value);
        }
        return buffer.ToArray();
    }

    public static StoredAttribute[] DecodeAttributes(byte[] bytes, string uid)
    {
        var list = new List<StoredAttribute>();
        var at = 0;
        int Int()
        {
            if (bytes.Length - at < 4) throw Corrupt(uid, "attributes");
            var v = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at, 4));
            at += 4;
            if (v < 0) throw Corrupt(uid, "attributes");
            return v;
        }
        byte[] Bytes(int length)
        {
            if (bytes.Length - at < length) throw Corrupt(uid, "attributes");
            var v = bytes.AsSpan(at, length).ToArray();
            at += length;
            return v;
        }
        while (at < bytes.Length)
        {
            var name = Encoding.UTF8.GetString(Bytes(Int()));
            var index = Int();
            list.Add(new StoredAttribute(name, index, Bytes(Int())));
        }
        return [.. list];
    }

    private static void Date(NpgsqlParameterCollection p, string field, string suffix, DateTimeOffset? value)
    {
        Nullable(p, field + "_date" + suffix, NpgsqlDbType.Bigint, value?.UtcTicks);
        Nullable(p, field + "_offset" + suffix, NpgsqlDbType.Integer, value is { } v ? (int)v.Offset.TotalMinutes : null);
    }

    private static DateTimeOffset? Date(NpgsqlDataReader r, int ordinal) =>
        r.IsDBNull(ordinal)
            ? null
            : new DateTimeOffset(r.GetInt64(ordinal), TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(r.GetInt32(ordinal + 1)));

    private static void Nullable(NpgsqlParameterCollection p, string name, NpgsqlDbType type, object? value) =>
        p.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });

    private static ObjectStoreException Corrupt(string uid, string field) =>
        new(ObjectStoreError.Unavailable, $"Object {uid} has a damaged {field} column in the PostgreSQL store.");
}
