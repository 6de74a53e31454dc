using System.Text.Json.Nodes;
using System.Xml.Linq;
using Xunit;

namespace HsmKmip.Conformance.Tests;

/// <summary>The audit comparison itself: a missing, extra or different record fails and names the file, item and field.</summary>
public sealed class AuditExpectationsTests
{
    // A batch of two: Create, then Get on the ID Placeholder (rule 3); the server chose "uid-1".
    private static readonly Exchange Batch = new(
        XElement.Parse("""
            <RequestMessage><RequestHeader/>
              <BatchItem><Operation type="Enumeration" value="Create"/><RequestPayload/></BatchItem>
              <BatchItem><Operation type="Enumeration" value="Get"/><RequestPayload/></BatchItem>
            </RequestMessage>
            """),
        XElement.Parse("""
            <ResponseMessage><ResponseHeader/>
              <BatchItem><Operation type="Enumeration" value="Create"/><ResultStatus type="Enumeration" value="Success"/>
                <ResponsePayload><UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_0"/></ResponsePayload></BatchItem>
              <BatchItem><Operation type="Enumeration" value="Get"/><ResultStatus type="Enumeration" value="Success"/>
                <ResponsePayload><UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_0"/></ResponsePayload></BatchItem>
            </ResponseMessage>
            """),
        XElement.Parse("""
            <ResponseMessage><ResponseHeader/>
              <BatchItem><Operation type="Enumeration" value="Create"/><ResultStatus type="Enumeration" value="Success"/>
                <ResponsePayload><UniqueIdentifier type="TextString" value="uid-1"/></ResponsePayload></BatchItem>
              <BatchItem><Operation type="Enumeration" value="Get"/><ResultStatus type="Enumeration" value="Success"/>
                <ResponsePayload><UniqueIdentifier type="TextString" value="uid-1"/></ResponsePayload></BatchItem>
            </ResponseMessage>
            """));

    private static JsonObject Logged(int seq, string operation, string status, string? reason, string[] created, string[] read) => new()
    {
        ["seq"] = seq, ["type"] = "item", ["operation"] = operation, ["status"] = status, ["reason"] = reason,
        ["created"] = new JsonArray([.. created.Select(c => (JsonNode)c)]), ["read"] = new JsonArray([.. read.Select(c => (JsonNode)c)]),
        ["changed"] = new JsonArray(), ["destroyed"] = new JsonArray(),
    };

    [Fact]
    public void The_records_a_file_should_leave_match_the_log_it_left()
    {
        var expected = AuditExpectations.Derive([Batch]);
        Assert.Equal(["Create", "Get"], expected.Select(e => e.Operation));
        Assert.Null(AuditExpectations.Compare("F", expected, [Logged(1, "Create", "Success", null, ["uid-1"], []), Logged(2, "Get", "Success", null, [], ["uid-1"])]));
    }

    [Fact]
    public void A_missing_extra_or_different_record_names_the_file_item_and_field()
    {
        var expected = AuditExpectations.Derive([Batch]);
        var create = Logged(1, "Create", "Success", null, ["uid-1"], []);
        Assert.Contains("F request 0 item 1 (Get): no audit record (missing)", AuditExpectations.Compare("F", expected, [create]), StringComparison.Ordinal);
        Assert.Contains("F: extra audit record seq 3", AuditExpectations.Compare("F", expected,
            [create, Logged(2, "Get", "Success", null, [], ["uid-1"]), Logged(3, "Destroy", "Success", null, [], [])]), StringComparison.Ordinal);
        Assert.Contains("F request 0 item 1 (audit seq 2): operation expected Get, logged Destroy", AuditExpectations.Compare("F", expected,
            [create, Logged(2, "Destroy", "Success", null, [], ["uid-1"])]), StringComparison.Ordinal);
        Assert.Contains("F request 0 item 1 (audit seq 2): status expected Success, logged OperationFailed", AuditExpectations.Compare("F", expected,
            [create, Logged(2, "Get", "OperationFailed", "ItemNotFound", [], [])]), StringComparison.Ordinal);
        Assert.Contains("F request 0 item 1 (audit seq 2): identifiers expected [uid-1], logged [uid-2]", AuditExpectations.Compare("F", expected,
            [create, Logged(2, "Get", "Success", null, [], ["uid-2"])]), StringComparison.Ordinal);
    }
}
