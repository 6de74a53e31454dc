namespace HsmKmip.Server.Tests;

/// <summary>
/// The trait of a test class that proves an operation end to end and must hold on either store (issue 13: one test suite,
/// two stores). <c>tests/run</c> runs every test once on the default LiteDB store, then the classes carrying
/// <c>[Trait(BothStores.Name, BothStores.Value)]</c> once more with <c>HSMKMIP_TEST_STORE=postgresql</c> (filter
/// <c>Store=both</c>): one PostgreSQL per test process, a fresh database per <see cref="TestServer"/>, i.e. per class fixture.
/// </summary>
public static class BothStores
{
    public const string Name = "Store";

    public const string Value = "both";
}
