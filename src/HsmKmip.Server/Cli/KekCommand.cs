using System.CommandLine;
using HsmKmip.Operations.Custody;
using Microsoft.Extensions.DependencyInjection;

namespace HsmKmip.Server.Cli;

/// <summary>`hsmkmip kek list` and `hsmkmip kek rotate [--dry-run]`.</summary>
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
        var settings = CustodyContext.AddOptions(command);
        command.SetAction((parse, cancellationToken) => CustodyContext.RunAsync(parse, "kek list", async output =>
        {
            using var context = CustodyContext.Open(settings(parse));
            var check = await BlobCheck.RunAsync(context.Store, context.Backend, null, cancellationToken).ConfigureAwait(false);
            foreach (var version in await context.Backend.ListKeksAsync(cancellationToken).ConfigureAwait(false))
            {
                await output.WriteLineAsync($"{version.Label}{(version.Current ? " (current)" : "")}: wraps {check.ByKek.GetValueOrDefault(version.Label)} keys").ConfigureAwait(false);
            }
            foreach (var (label, count) in check.MissingKeks) await output.WriteLineAsync($"{label} (NOT ON THE TOKEN): wraps {count} keys").ConfigureAwait(false);
            return check.AllOpen ? 0 : 1;
        }));
        return command;
    }

    private static Command Rotate()
    {
        var command = new Command("rotate", "Make a new KEK version in the HSM, re-wrap every stored key under it inside the token, and destroy the old KEK " +
            "once no stored key refers to it. Running it again after an interruption continues where it stopped (keys already under the new KEK are skipped). " +
            "Run it with the daemon stopped.");
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would happen and change nothing." };
        command.Options.Add(dryRun);
        var settings = CustodyContext.AddOptions(command);
        command.SetAction((parse, cancellationToken) => CustodyContext.RunAsync(parse, "kek rotate", async output =>
        {
            var options = settings(parse);
            using var context = CustodyContext.Open(options);
            var rotation = new KekRotation(context.Store, context.Backend, context.Objects);
            var plan = await rotation.PlanAsync(cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(Describe(plan, parse.GetValue(dryRun))).ConfigureAwait(false);
            if (parse.GetValue(dryRun)) return 0;
            var bar = new ProgressLine(output, "re-wrapping");
            var report = await rotation.RunAsync(new SynchronousProgress<RotationProgress>(p =>
            {
                switch (p.Step)
                {
                    case RotationStep.KekCreated:
                        output.WriteLine($"Created {p.Kek}; new keys are wrapped under it from now on.");
                        break;
                    case RotationStep.Rewrapping:
                        bar.Report(p.Done, p.Total);
                        break;
                    case RotationStep.Settling:
                        bar.Finish();
                        break;
                    case RotationStep.KekDestroyed:
                        output.WriteLine($"Destroyed the old KEK {p.Kek}.");
                        break;
                }
            }), cancellationToken).ConfigureAwait(false);
            bar.Finish();
            await output.WriteLineAsync($"Every stored key is wrapped under {report.CurrentKek}: {report.Rewrapped} re-wrapped now, {report.Skipped} already were.").ConfigureAwait(false);
            foreach (var (id, reason) in report.Failed) await parse.InvocationConfiguration.Error.WriteLineAsync($"hsmkmip kek rotate: {id} was not re-wrapped: {reason}").ConfigureAwait(false);
            foreach (var label in report.KeptKeks) await output.WriteLineAsync($"Kept {label}: stored keys still refer to it.").ConfigureAwait(false);
            return report.Failed.Count == 0 ? 0 : 1;
        }));
        return command;
    }

    private static string Describe(RotationPlan plan, bool dryRun)
    {
        var verb = dryRun ? "Would" : "Will";
        return plan.Resume
            ? $"An earlier rotation is unfinished: the current KEK is {plan.CurrentKek}. {verb} re-wrap {plan.ToRewrap} keys still under older KEKs " +
              $"(skipping {plan.AlreadyCurrent} already under {plan.CurrentKek}), then destroy {Join(plan.OlderKeks)} once nothing refers to {(plan.OlderKeks.Count == 1 ? "it" : "them")}."
            : $"{verb} create {plan.NewKek}, re-wrap {plan.ToRewrap} keys under it inside the token, then destroy {plan.CurrentKek}.";
    }

    private static string Join(IReadOnlyList<string> labels) => labels.Count == 0 ? "no old KEK" : string.Join(", ", labels);
}
