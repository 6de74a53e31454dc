using System.CommandLine;
using System.Text.Json.Nodes;
using HsmKmip.Server.Admin;

namespace HsmKmip.Server.Cli;

/// <summary>`hsmkmip kek list` and `hsmkmip kek rotate [--dry-run]`, through the daemon when it runs.</summary>
internal static class KekCommand
{
    public static Command Create()
    {
        var kek = new Command("kek", "The key-encryption key (KEK) in the HSM that wraps every stored key.");
        kek.Subcommands.Add(List());
        kek.Subcommands.Add(Rotate());
        return kek;
    }

    private static Command List()
    {
        var command = new Command("list", "List the KEK versions on the token and how many stored keys each one wraps.");
        var shared = new AdminOptions();
        shared.AddTo(command);
        command.SetAction((parse, ct) => shared.RunAsync(parse, "kek-list", [], (result, output) =>
        {
            foreach (var kek in result["keks"]!.AsArray())
            {
                var note = kek!["current"]!.GetValue<bool>() ? " (current)" : kek["onToken"]!.GetValue<bool>() ? "" : " (NOT ON THE TOKEN)";
                output.WriteLine($"{kek["label"]}{note}: wraps {kek["keys"]} keys");
            }
            return result["allOpen"]!.GetValue<bool>() ? 0 : AdminException.FailureExitCode;
        }, ct));
        return command;
    }

    private static Command Rotate()
    {
        var command = new Command("rotate", "Make a new KEK version in the HSM, re-wrap every stored key under it inside the token, and destroy the old KEK " +
            "once no stored key refers to it. Runs inside the daemon while it keeps serving (or on the stopped state folder). Running it again after " +
            "an interruption continues where it stopped: keys already under the new KEK are skipped.");
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would happen and change nothing." };
        command.Options.Add(dryRun);
        var shared = new AdminOptions();
        shared.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var bar = new ProgressLine(output, "re-wrapping");
            var quiet = parse.GetValue(shared.Json);
            return shared.RunAsync(parse, "kek-rotate", new JsonObject { ["dryRun"] = parse.GetValue(dryRun) }, (result, o) => Print(result, o, bar), ct, e =>
            {
                if (!quiet) ShowProgress(e, output, bar, parse.GetValue(dryRun));
                return ValueTask.CompletedTask;
            });
        });
        return command;
    }

    private static void ShowProgress(JsonObject e, TextWriter output, ProgressLine bar, bool dryRun)
    {
        switch (e["step"]?.GetValue<string>())
        {
            case "Plan":
                output.WriteLine(Describe(e["plan"]!.AsObject(), dryRun));
                break;
            case "KekCreated":
                output.WriteLine($"Created {e["kek"]}; new keys are wrapped under it from now on.");
                break;
            case "WaitingForNodes":
                output.WriteLine($"Waiting until every other node sharing the store wraps under {e["kek"]} (each switches at its next heartbeat)...");
                break;
            case "Rewrapping":
                bar.Report(e["done"]!.GetValue<long>(), e["total"]!.GetValue<long>());
                break;
            case "Settling":
                bar.Finish();
                break;
            case "KekDestroyed":
                bar.Finish();
                output.WriteLine($"Destroyed the old KEK {e["kek"]}.");
                break;
        }
    }

    private static int Print(JsonObject result, TextWriter output, ProgressLine bar)
    {
        bar.Finish();
        if (result["dryRun"]!.GetValue<bool>()) return 0;
        output.WriteLine($"Every stored key is wrapped under {result["currentKek"]}: {result["rewrapped"]} re-wrapped now, {result["skipped"]} already were.");
        foreach (var (id, reason) in result["failed"]!.AsObject()) output.WriteLine($"NOT re-wrapped: {id}: {reason}");
        foreach (var label in result["keptKeks"]!.AsArray()) output.WriteLine($"Kept {label}: stored keys still refer to it.");
        return result["failed"]!.AsObject().Count == 0 ? 0 : AdminException.FailureExitCode;
    }

    private static string Describe(JsonObject plan, bool dryRun)
    {
        var verb = dryRun ? "Would" : "Will";
        var older = plan["olderKeks"]!.AsArray().Select(k => k!.GetValue<string>()).ToArray();
        return plan["resume"]!.GetValue<bool>()
            ? $"An earlier rotation is unfinished: the current KEK is {plan["currentKek"]}. {verb} re-wrap {plan["toRewrap"]} keys still under older KEKs " +
              $"(skipping {plan["alreadyCurrent"]} already under {plan["currentKek"]}), then destroy {(older.Length == 0 ? "no old KEK" : string.Join(", ", older))} once nothing refers to it."
            : $"{verb} create {plan["newKek"]}, re-wrap {plan["toRewrap"]} keys under it inside the token, then destroy {plan["currentKek"]}.";
    }
}
