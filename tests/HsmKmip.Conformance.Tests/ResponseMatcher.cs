using System.Globalization;
using System.Xml.Linq;
using HsmKmip.Ttlv.Tests.Support;

namespace HsmKmip.Conformance.Tests;

/// <summary>
/// Compares an expected OASIS ResponseMessage with the server's, in the XML form, with the tolerances the profiles
/// allow and nothing more:
/// <list type="bullet">
/// <item>a placeholder value is captured the first time and must repeat after that ($UNIQUE_IDENTIFIER_n, $DATA_n,
/// $IV_COUNTER_NONCE, $KEY_MATERIAL_n, ...: server-chosen identifiers, random IVs, signatures, random data);</item>
/// <item>$NOW±n (Time Stamp, dates the server sets) is within <see cref="ClockTolerance"/> of the request time ±n;</item>
/// <item>Result Message is free text, and so is a response header's Server Correlation Value (the server's own label); the Protocol Version of the answer is the request's (one file has an erratum);</item>
/// <item>the value of Random Number Generator (1.x Attribute Value or 2.x structure) is the generating server's own: only its presence is checked;</item>
/// <item>Key Material and Digest Value of a key the server generated (Create, Create Key Pair, Re-key, ...) are that
/// server's random bytes, which some files spell as literals: only their length is compared;</item>
/// <item>what Encrypt, Decrypt and MAC compute with a key the server generated (Data, MAC Data, Authenticated
/// Encryption Tag) depends on those random key bytes, as an Encrypt's Data depends on a random IV; an IV/Counter/Nonce in an Encrypt response is one the server
/// chose (KMIP 1.4 §4.29: returned only when Random IV made it): such a literal is compared by length and becomes an
/// alias, so a later request that sends the literal back sends this server's value instead, and what follows from it
/// (CS-BC-M-3-14 decrypts its own ciphertext) is compared exactly. A Decrypt of a literal the reference server made
/// (CS-BC-M-2-14) under a generated key is compared by length;</item>
/// <item>RNG Retrieve's Data is the server's random bytes (KMIP 1.4 §4.35): only its length is compared;</item>
/// <item>Data of an Encrypt under an RSA Public Key is randomized (OAEP's seed, PKCS#1 v1.5's padding): only its length
/// is compared (the server tests decrypt such ciphertexts with .NET);</item>
/// <item>Attribute, Attribute Name and Attribute Reference items of one run, and the items of a 2.x Attributes structure,
/// may come in any order (KMIP 1.4 §2.1.1 and KMIP 2.1 §7.2 set no order);</item>
/// <item>Get Attributes without names and Get Attribute List may return more attributes than the reference server had
/// (server-maintained ones such as Digest or Fresh), but every expected one;</item>
/// <item>the CK_INFO a PKCS#11 C_GetInfo returns is the answering server's library's: only its length is compared;</item>
/// <item>Query answers are a superset: every expected Operation and Object Type is listed, and the vendor's own
/// information (Vendor Identification, Server Information, ...) is present in any form; the server-to-client
/// operations Notify and Put (KMIP 1.4 §5) are not required;</item>
/// </list>
/// Element names, types, order of other items and all other values must match exactly.
/// </summary>
public static class ResponseMatcher
{
    // A file reads back dates an earlier file of its group set ($NOW of TL-M-2 in TL-M-3's Get Attributes); with 240
    // files on a loaded two-core CI machine those may run many minutes apart.
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromMinutes(30);

    private static readonly HashSet<string> Unordered = new(StringComparer.Ordinal) { "Attribute", "AttributeName", "AttributeReference" };

    /// <summary>
    /// The request batch item an expected response batch item answers: its operation, whether it named attributes, and
    /// whether the object in the answer is one the server generated (its key bytes and digest are the server's own).
    /// </summary>
    private sealed record ItemContext(string Operation, bool NamesAttributes, bool ServerGenerated)
    {
        /// <summary>Whether the answer's computed bytes depend on a generated key's random bytes (not on a value this server returned earlier).</summary>
        public bool KeyDependent { get; init; }
    }

    private static readonly HashSet<string> Computing = new(StringComparer.Ordinal) { "Encrypt", "Decrypt", "MAC" };

    private static readonly HashSet<string> Generating = new(StringComparer.Ordinal) { "Create", "CreateKeyPair", "ReKey", "ReKeyKeyPair", "DeriveKey", "Certify", "ReCertify" };

    /// <summary>Null when the response matches; otherwise one readable sentence with the path of the first difference.</summary>
    public static string? Compare(XElement request, XElement expected, XElement actual, Placeholders placeholders)
    {
        if (expected.Name != actual.Name) return $"expected <{expected.Name}>, got <{actual.Name}>";
        var requestItems = request.Elements("BatchItem").ToArray();
        var expectedChildren = expected.Elements().ToArray();
        var actualChildren = actual.Elements().ToArray();
        int item = 0;
        for (int i = 0; i < Math.Max(expectedChildren.Length, actualChildren.Length); i++)
        {
            if (i >= expectedChildren.Length) return $"{expected.Name}: unexpected <{actualChildren[i].Name}>";
            if (i >= actualChildren.Length) return $"{expected.Name}: missing <{expectedChildren[i].Name}>";
            if (expectedChildren[i].Name == "ResponseHeader" && request.Element("RequestHeader")?.Element("ProtocolVersion") is { } asked)
            {
                // The answer is in the request's version (KMIP 1.4 §6.1; OMOS-O-1-14 prints 1.3 for a 1.4 request, an erratum).
                var header = new XElement(expectedChildren[i]);
                header.Element("ProtocolVersion")?.ReplaceWith(new XElement(asked));
                expectedChildren[i] = header;
            }
            ItemContext? context = null;
            if (expectedChildren[i].Name == "BatchItem")
            {
                var requestItem = requestItems.Length > item ? requestItems[item] : null;
                item++;
                var operation = requestItem?.Element("Operation")?.Attribute("value")?.Value ?? "";
                var identifiers = actualChildren[i].Element("ResponsePayload")?.Descendants()
                    .Where(d => d.Name.LocalName is "UniqueIdentifier" or "PrivateKeyUniqueIdentifier" or "PublicKeyUniqueIdentifier")
                    .Select(d => d.Attribute("value")?.Value).OfType<string>().ToArray() ?? [];
                if (Generating.Contains(operation)) placeholders.MarkGenerated(identifiers);
                bool generated = identifiers.Any(placeholders.IsGenerated);
                var requestPayload = requestItem?.Element("RequestPayload");
                var input = requestPayload?.Element("Data")?.Attribute("value")?.Value;
                if (operation == "Register" && requestPayload?.Element("ObjectType")?.Attribute("value")?.Value == "PublicKey") placeholders.MarkPublicKeys(identifiers);
                if (actualChildren[i].Element("ResponsePayload")?.Element("PublicKeyUniqueIdentifier")?.Attribute("value")?.Value is { } pair) placeholders.MarkPublicKeys([pair]);
                context = new ItemContext(operation, requestItem?.Element("RequestPayload")?.Elements().Any(n => n.Name.LocalName is "AttributeName" or "AttributeReference") == true, generated)
                {
                    // A ciphertext under an IV the server chose (Random IV) is that server's own too.
                    KeyDependent = (generated && Computing.Contains(operation) && !(operation == "Decrypt" && input is not null && placeholders.IsAliasTarget(input)))
                        || (operation == "Encrypt" && actualChildren[i].Element("ResponsePayload")?.Element("IVCounterNonce") is not null)
                        || (operation == "Encrypt" && requestPayload?.Element("UniqueIdentifier")?.Attribute("value")?.Value is { } target && placeholders.IsPublicKey(target)),
                };
            }
            var difference = Element(expectedChildren[i], actualChildren[i], $"{expected.Name}/{expectedChildren[i].Name}[{i}]", placeholders, context);
            if (difference is not null)
            {
                return actualChildren[i].Element("ResultMessage")?.Attribute("value")?.Value is { } message
                    ? $"{difference} (server: {actualChildren[i].Element("ResultReason")?.Attribute("value")?.Value}: \"{message}\")"
                    : difference;
            }
        }
        return null;
    }

    private static string? Element(XElement e, XElement a, string path, Placeholders p, ItemContext? context)
    {
        if (e.Name != a.Name) return $"{path}: expected <{e.Name}>, got <{a.Name}>";
        string type = e.Attribute("type")?.Value ?? "Structure";
        string actualType = a.Attribute("type")?.Value ?? "Structure";
        if (type != actualType) return $"{path}: expected a {type}, got a {actualType}";
        if (type == "Structure")
        {
            if (e.Name == "ResponsePayload" && context?.Operation == "Query") return Query(e, a, path);
            bool unnamed = context?.Operation == "GetAttributeList" || (context?.Operation == "GetAttributes" && !context.NamesAttributes);
            bool superset = unnamed && (e.Name == "ResponsePayload" || (e.Name == "Attributes" && e.Parent?.Name == "ResponsePayload"));
            // KMIP 2.x Attributes (KMIP 2.1 §7.2): one item per attribute, in no set order.
            if (e.Name == "Attributes") return AnyOrder(e.Elements().ToArray(), a.Elements().ToArray(), path, p, context, superset);
            if (e.Name == "AttributeValue" && e.Parent?.Element("AttributeName")?.Attribute("value")?.Value == "Random Number Generator") return null;
            // The same attribute in the 2.x form (KMIP 2.x attribute): the generating server's own, present in any form.
            if (e.Name == "RandomNumberGenerator") return null;
            return Children(e.Elements().ToArray(), a.Elements().ToArray(), path, p, context, superset);
        }
        return Value(e, type, e.Attribute("value")?.Value ?? "", a.Attribute("value")?.Value ?? "", path, p, context);
    }

    private static string? Children(XElement[] e, XElement[] a, string path, Placeholders p, ItemContext? context, bool superset)
    {
        int i = 0, j = 0;
        while (i < e.Length)
        {
            var name = e[i].Name;
            if (Unordered.Contains(name.LocalName))
            {
                int iEnd = i, jEnd = j;
                while (iEnd < e.Length && e[iEnd].Name == name) iEnd++;
                while (jEnd < a.Length && a[jEnd].Name == name) jEnd++;
                var unused = Enumerable.Range(j, jEnd - j).ToList();
                for (int k = i; k < iEnd; k++)
                {
                    int found = -1;
                    foreach (var candidate in unused)
                    {
                        var trial = p.Clone();
                        if (Element(e[k], a[candidate], path, trial, context) is null)
                        {
                            p.CopyFrom(trial);
                            found = candidate;
                            break;
                        }
                    }
                    if (found < 0)
                    {
                        var first = unused.Count > 0 ? Element(e[k], a[unused[0]], $"{path}/{name}", p.Clone(), context) : "none left";
                        return $"{path}: no {name} in the response matches the expected {Describe(e[k])} (closest difference: {first})";
                    }
                    unused.Remove(found);
                }
                if (!superset && unused.Count > 0) return $"{path}: unexpected {Describe(a[unused[0]])}";
                i = iEnd;
                j = jEnd;
                continue;
            }
            if (j >= a.Length) return $"{path}: missing <{name}> (the response has {a.Length} items)";
            if (superset && a[j].Name != name && Unordered.Contains(a[j].Name.LocalName))
            {
                j++;
                continue;
            }
            var difference = Element(e[i], a[j], $"{path}/{name}[{i}]", p, context);
            if (difference is not null) return difference;
            i++;
            j++;
        }
        while (superset && j < a.Length && Unordered.Contains(a[j].Name.LocalName)) j++;
        return j < a.Length ? $"{path}: unexpected {Describe(a[j])}" : null;
    }

    /// <summary>Every expected child matches a distinct actual child of the same name, in any order; extra ones only in a superset.</summary>
    private static string? AnyOrder(XElement[] e, XElement[] a, string path, Placeholders p, ItemContext? context, bool superset)
    {
        var unused = Enumerable.Range(0, a.Length).ToList();
        foreach (var expected in e)
        {
            int found = -1;
            string? closest = null;
            foreach (var candidate in unused.Where(c => a[c].Name == expected.Name))
            {
                var trial = p.Clone();
                var difference = Element(expected, a[candidate], $"{path}/{expected.Name.LocalName}", trial, context);
                if (difference is null)
                {
                    p.CopyFrom(trial);
                    found = candidate;
                    break;
                }
                closest ??= difference;
            }
            if (found < 0) return closest ?? $"{path}: missing {Describe(expected)}";
            unused.Remove(found);
        }
        return !superset && unused.Count > 0 ? $"{path}: unexpected {Describe(a[unused[0]])}" : null;
    }

    private static string? Value(XElement e, string type, string expected, string actual, string path, Placeholders p, ItemContext? context)
    {
        if (context?.ServerGenerated == true && type == "ByteString" && e.Name.LocalName is "KeyMaterial" or "DigestValue" && !Placeholders.IsPlaceholder(expected))
        {
            // The reference server's random key (and its digest) written into the file as a literal.
            return expected.Length == actual.Length ? null : $"{path}: expected {expected.Length / 2} bytes, got {actual.Length / 2}";
        }
        if (type == "ByteString" && !Placeholders.IsPlaceholder(expected) && ServerChosen(e.Name.LocalName, context))
        {
            if (expected.Length != actual.Length) return $"{path}: expected {expected.Length / 2} bytes, got {actual.Length / 2}";
            if (context!.Operation != "RNGRetrieve") p.Alias(expected, actual);
            return null;
        }
        if (Placeholders.IsPlaceholder(expected))
        {
            if (Placeholders.NowOffset(expected) is { } offset)
            {
                if (!DateTimeOffset.TryParse(actual, CultureInfo.InvariantCulture, out var time)) return $"{path}: expected a time near {expected}, got \"{actual}\"";
                var target = p.Now.AddSeconds(offset);
                return (time - target).Duration() <= ClockTolerance ? null : $"{path}: expected {expected} ({target:u}), got {time:u}";
            }
            if (p.TryGet(expected, out var known))
            {
                return OasisXmlComparer.SameValue(type, known, actual) ? null : $"{path}: expected {expected} = \"{known}\" (seen before), got \"{actual}\"";
            }
            p.Capture(expected, actual);
            return null;
        }
        if (e.Name == "ResultMessage") return null;
        // The server's own label for the response (a response header field since KMIP 1.4), as the reference server's "A5E83842-2A456820-4": present, any value.
        // C_GetInfo's CK_INFO describes the answering server's own PKCS#11 library (the reference server's "TEST Pty Ltd"):
        // compared by length, as Query's vendor information is compared by presence.
        if (e.Name == "PKCS_11OutputParameters" && e.Parent?.Element("PKCS_11Function")?.Attribute("value")?.Value == "C_GetInfo")
        {
            return expected.Length == actual.Length ? null : $"{path}: expected a CK_INFO of {expected.Length / 2} bytes, got {actual.Length / 2}";
        }
        if (e.Name == "ServerCorrelationValue") return actual.Length > 0 ? null : $"{path}: expected a Server Correlation Value, got an empty one";
        return OasisXmlComparer.SameValue(type, expected, actual) ? null : $"{path}: expected {type} \"{expected}\", got \"{actual}\"";
    }

    /// <summary>Byte strings whose value is the server's own choice (see the class summary).</summary>
    private static bool ServerChosen(string name, ItemContext? context) => context?.Operation switch
    {
        "RNGRetrieve" => name == "Data",
        "Encrypt" when name == "IVCounterNonce" => true,
        "Encrypt" or "Decrypt" or "MAC" => context.KeyDependent && name is "Data" or "MACData" or "AuthenticatedEncryptionTag",
        _ => false,
    };

    /// <summary>
    /// Notify and Put are server-to-client operations (KMIP 1.4 §5.1, §5.2: "only ever sent by a server to a client via
    /// means outside of the normal client request/response protocol"). The reference server that wrote the SUITEB and
    /// MSGENC files lists them because it pushes; a server that does not push has nothing a client could send it by
    /// those names, so they are not required in its Query answer. Every other operation the file lists is.
    /// </summary>
    private static readonly HashSet<string> ServerToClient = new(StringComparer.Ordinal) { "Notify", "Put" };

    /// <summary>Query (KMIP 1.4 §4.25): the server may support more; vendor information is the vendor's own.</summary>
    private static string? Query(XElement e, XElement a, string path)
    {
        foreach (var child in e.Elements())
        {
            if (child.Name.LocalName == "Operation" && ServerToClient.Contains(child.Attribute("value")?.Value ?? "")) continue;
            bool present = child.Name.LocalName is "Operation" or "ObjectType"
                ? a.Elements(child.Name).Any(x => OasisXmlComparer.SameValue("Enumeration", child.Attribute("value")?.Value ?? "", x.Attribute("value")?.Value ?? ""))
                : a.Elements(child.Name).Any();
            if (!present) return $"{path}: the Query answer lacks {Describe(child)}";
        }
        return null;
    }

    private static string Describe(XElement x) =>
        x.Attribute("value") is { } v ? $"<{x.Name} {v.Value}>"
        : x.Element("AttributeName")?.Attribute("value") is { } n ? $"<{x.Name} \"{n.Value}\">"
        : $"<{x.Name}>";
}
