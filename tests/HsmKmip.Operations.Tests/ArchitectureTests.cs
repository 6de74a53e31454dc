using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using HsmKmip.Operations;
using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;

namespace HsmKmip.Operations.Tests;

/// <summary>
/// The shape DESIGN.md promises, checked: project references point down (Ttlv ← Protocol ← Core ← Operations ←
/// adapters ← Server), typed handlers never see TTLV, no handler calls another handler, and only the two bindings take raw
/// payloads (every operation is typed). Each check is also run on a bad example, so that it
/// is known to be able to fail.
/// </summary>
public sealed partial class ArchitectureTests
{
    /// <summary>Layer of each project (DESIGN.md "Projects"); a reference must point to a strictly lower layer.</summary>
    private static readonly Dictionary<string, int> Layers = new(StringComparer.Ordinal)
    {
        ["HsmKmip.Ttlv"] = 0,
        ["HsmKmip.Protocol"] = 1,
        ["HsmKmip.Core"] = 2,
        ["HsmKmip.Operations"] = 3,
        ["HsmKmip.Hsm.Pkcs11"] = 4,
        ["HsmKmip.Store.LiteDb"] = 4,
        ["HsmKmip.Store.Postgres"] = 4,
        ["HsmKmip.Server"] = 5,
        ["HsmKmip.Admin"] = 5,
    };

    /// <summary>Packages only adapters may use (DESIGN.md: Operations never references Pkcs11Interop or LiteDB).</summary>
    private static readonly string[] AdapterPackages = ["Pkcs11Interop", "LiteDB", "Npgsql"];

    [Fact]
    public void Project_references_point_down_and_adapters_own_their_packages()
    {
        var projects = Directory.GetFiles(Path.Combine(RepositoryRoot(), "src"), "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains("/obj/", StringComparison.Ordinal))
            .ToDictionary(p => Path.GetFileNameWithoutExtension(p), p => XDocument.Load(p));
        Assert.Contains("HsmKmip.Operations", projects.Keys);
        var references = projects.ToDictionary(p => p.Key, p => p.Value.Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value)).ToArray());
        var packages = projects.ToDictionary(p => p.Key, p => p.Value.Descendants("PackageReference")
            .Select(r => r.Attribute("Include")!.Value).ToArray());
        Assert.Empty(Violations(references, packages));
    }

    [Fact]
    public void The_reference_check_fails_on_an_upward_reference()
    {
        var references = new Dictionary<string, string[]> { ["HsmKmip.Protocol"] = ["HsmKmip.Ttlv", "HsmKmip.Operations"], ["HsmKmip.Hsm.Pkcs11"] = ["HsmKmip.Store.LiteDb"] };
        var packages = new Dictionary<string, string[]> { ["HsmKmip.Operations"] = ["LiteDB"] };
        var found = Violations(references, packages);
        Assert.Equal(3, found.Count);
        Assert.Contains(found, v => v.Contains("HsmKmip.Protocol → HsmKmip.Operations", StringComparison.Ordinal));
    }

    [Fact]
    public void Typed_handlers_have_no_ttlv_in_their_signatures_fields_or_payload_types()
    {
        var handlers = HandlerTypes(typeof(HsmKmip.Operations.Handlers.IOperationHandler<,>)).ToArray();
        Assert.True(handlers.Length >= 10, $"only {handlers.Length} typed handlers found");
        var ttlv = typeof(TtlvElement).Assembly;
        var found = new List<string>();
        foreach (var type in handlers)
        {
            var used = type.GetFields(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly).Select(f => (f.Name, f.FieldType))
                .Concat(type.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                    .SelectMany(m => m.GetParameters().Select(p => (m.Name, p.ParameterType)).Append((m.Name, m.ReturnType))))
                .Concat(type.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).SelectMany(c => c.GetParameters().Select(p => (".ctor", p.ParameterType))));
            foreach (var (member, t) in used)
            {
                if (Mentions(t, ttlv)) found.Add($"{type.Name}.{member}: {t}");
            }
        }
        Assert.Empty(found);
    }

    [Fact]
    public void Typed_handler_sources_never_touch_tags_or_ttlv_items()
    {
        var dir = Path.Combine(RepositoryRoot(), "src", "HsmKmip.Operations", "Handlers");
        var typedFiles = Directory.GetFiles(dir, "*.cs").Where(f => TypedHandlerDeclaration().IsMatch(File.ReadAllText(f))).ToArray();
        Assert.True(typedFiles.Length >= 8, $"only {typedFiles.Length} typed handler files found");
        var found = typedFiles.SelectMany(f => TtlvUses(File.ReadAllText(f)).Select(u => $"{Path.GetFileName(f)}: {u}")).ToArray();
        Assert.Empty(found);
    }

    [Fact]
    public void The_source_check_fails_on_a_handler_that_builds_ttlv()
    {
        const string bad = "using HsmKmip.Ttlv;\nclass X : IOperationHandler<A, B> { object F() => TtlvElement.Text(Tag.UniqueIdentifier, \"u\"); }";
        Assert.Equal(3, TtlvUses(bad).Count());
        Assert.Equal(2, OtherHandlerCalls("class AHandler { void F() { ReKeyHandler.Link(); BHandler.IsArchived(); AHandler.Own(); } }").Count());
    }

    [Fact]
    public void Only_the_bindings_take_raw_payloads_and_the_untyped_adapter_is_gone()
    {
        // Every operation is a typed handler (issue 14): the only classes that see a raw Request Payload are the two
        // bindings, TypedOperation (payload in, payload out) and PolledOperation (Poll answers the polled item whole).
        var assembly = typeof(OperationTable).Assembly;
        var raw = assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IOperationHandler).IsAssignableFrom(t))
            .Select(t => t.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["PolledOperation", "TypedOperation`2"], raw);
        Assert.Null(assembly.GetType("HsmKmip.Operations.Handlers.IUntypedOperationHandler"));
        Assert.Null(assembly.GetType("HsmKmip.Operations.Binding.UntypedHandlerAdapter"));
    }

    [Fact]
    public void No_handler_calls_another_handler_and_crypto_does_not_depend_on_handlers()
    {
        var src = Path.Combine(RepositoryRoot(), "src", "HsmKmip.Operations");
        var found = new List<string>();
        foreach (var file in Directory.GetFiles(src, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.EndsWith("OperationTable.cs", StringComparison.Ordinal)))
        {
            found.AddRange(OtherHandlerCalls(File.ReadAllText(file)).Select(c => $"{Path.GetRelativePath(src, file)}: {c}"));
        }
        foreach (var file in Directory.GetFiles(Path.Combine(src, "Crypto"), "*.cs"))
        {
            if (File.ReadAllText(file).Contains("Operations.Handlers", StringComparison.Ordinal)) found.Add($"{Path.GetFileName(file)} uses HsmKmip.Operations.Handlers");
        }
        Assert.Empty(found);
    }

    [Fact]
    public void Typed_attribute_keys_name_real_attributes()
    {
        Assert.NotEmpty(KmipAttributeKeys.Names);
        Assert.All(KmipAttributeKeys.Names, n => Assert.True(KmipAttributeNames.TryGetTag(n, out _), $"'{n}' is not a KMIP attribute name"));
        var date = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var attribute = KmipAttributeKeys.ActivationDate.Create(date);
        Assert.Equal(date, new[] { attribute }.Get(KmipAttributeKeys.ActivationDate));
        Assert.Null(new[] { attribute }.Get(KmipAttributeKeys.DeactivationDate));
        Assert.Null(new[] { new KmipAttribute("Activation Date", 0, TtlvElement.Text(Tag.AttributeValue, "not a date")) }.Get(KmipAttributeKeys.ActivationDate));
    }

    private static List<string> Violations(IReadOnlyDictionary<string, string[]> references, IReadOnlyDictionary<string, string[]> packages)
    {
        var found = new List<string>();
        foreach (var (project, targets) in references)
        {
            if (!Layers.TryGetValue(project, out var layer)) { found.Add($"{project} has no layer in ArchitectureTests.Layers"); continue; }
            foreach (var target in targets)
            {
                if (!Layers.TryGetValue(target, out var targetLayer)) found.Add($"{target} has no layer in ArchitectureTests.Layers");
                else if (targetLayer >= layer) found.Add($"{project} → {target} points up or sideways");
            }
        }
        foreach (var (project, used) in packages)
        {
            if (Layers.GetValueOrDefault(project) >= 4) continue;
            found.AddRange(used.Intersect(AdapterPackages, StringComparer.OrdinalIgnoreCase).Select(p => $"{project} uses the adapter package {p}"));
        }
        return found;
    }

    private static IEnumerable<Type> HandlerTypes(Type handlerInterface) =>
        typeof(OperationTable).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }
            && !t.Name.Contains("Adapter", StringComparison.Ordinal) && !t.Name.StartsWith("TypedOperation", StringComparison.Ordinal)
            && t.GetInterfaces().Any(i => i == handlerInterface || (i.IsGenericType && i.GetGenericTypeDefinition() == handlerInterface)));

    private static bool Mentions(Type type, Assembly assembly) =>
        type.Assembly == assembly
        || (type.HasElementType && Mentions(type.GetElementType()!, assembly))
        || (type.IsGenericType && type.GetGenericArguments().Any(a => Mentions(a, assembly)));

    private static IEnumerable<string> TtlvUses(string source) => TtlvUse().Matches(source).Select(m => m.Value);

    /// <summary>Calls to a static member of a handler type the source does not declare itself ("ReKeyHandler.Link(").</summary>
    private static IEnumerable<string> OtherHandlerCalls(string source)
    {
        var declared = DeclaredClass().Matches(source).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        return HandlerMemberUse().Matches(source).Where(m => !declared.Contains(m.Groups[1].Value)).Select(m => m.Value);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HsmKmip.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("HsmKmip.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\bIOperationHandler<")]
    private static partial Regex TypedHandlerDeclaration();

    [GeneratedRegex(@"using HsmKmip\.Ttlv;|\bTtlv\w*\b|\bTag\.\w+")]
    private static partial Regex TtlvUse();

    [GeneratedRegex(@"\bclass (\w+)")]
    private static partial Regex DeclaredClass();

    [GeneratedRegex(@"\b(\w+Handler)\.(\w+)")]
    private static partial Regex HandlerMemberUse();
}
