package dev.strata.cli;

import dev.strata.plan.Action;
import dev.strata.plan.Plan;
import dev.strata.plan.Preview;
import dev.strata.reconcile.FleetSource;
import dev.strata.reconcile.InvalidSpecsException;
import dev.strata.reconcile.Planning;
import dev.strata.reconcile.Previewing;
import dev.strata.reconcile.Revision;
import dev.strata.reconcile.StreamSource;
import dev.strata.render.DiagnosticsRenderer;
import dev.strata.render.PlanJson;
import dev.strata.render.PlanMarkdown;
import dev.strata.render.PlanRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Show what Strata would do: images to build and why, waves to promote, and what waits.",
                "With --base and --head, preview what merging head into base would change (for pull requests)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {" 0:no changes (or changes, without --detailed-exitcode)", " 1:failure",
                " 2:changes present (with --detailed-exitcode)", " 3:a group is halted by its failure policy",
                "64:usage error", "65:invalid specs"})
final class PlanCommand implements Callable<Integer> {
    enum Format { TEXT, JSON, MARKDOWN }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    RepoOptions repo;

    @Option(names = "--ref", paramLabel = "REF", description = "Branch, tag or commit to plan (default: HEAD).")
    Optional<String> ref;

    @Option(names = "--base", paramLabel = "REF", description = "Preview: the revision a pull request merges into.")
    Optional<String> base;

    @Option(names = "--head", paramLabel = "REF", description = "Preview: the pull request's revision.")
    Optional<String> head;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT", description = "text, json or markdown. Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "Also save the plan as JSON, for 'strata apply FILE'.")
    Path out;

    @Option(names = "--detailed-exitcode", description = "Exit 2 when the plan has changes.")
    boolean detailedExitCode;

    @Option(names = "--now", paramLabel = "INSTANT",
            description = "Plan as of this time (ISO-8601, e.g. 2026-11-27T00:30:00Z), to see when waves could start. Default: now.")
    Optional<Instant> asOf;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws Exception {
        if (base.isPresent() != head.isPresent()) {
            throw new UserError("--base and --head go together", ExitCodes.USAGE);
        }
        if (base.isPresent() && out != null) {
            throw new UserError("--out saves a plan for 'strata apply', and a --base/--head preview cannot be applied"
                    + " (it assumes images that are not built yet); drop --out, or --base and --head", ExitCodes.USAGE);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Instant now = asOf.orElseGet(clock::instant);
        try (FleetSource source = repo.open()) {
            Plan plan;
            Preview preview;
            List<String> notes;
            dev.strata.plan.Desired desired;
            if (base.isPresent()) {
                Revision b = source.read(base);
                Revision h = source.read(head);
                // A preview reads state only when asked: a pull-request job usually has none.
                var state = repo.state == null ? Optional.<dev.strata.state.StateSnapshot>empty() : repo.snapshotIfPresent();
                Previewing.Result r = Previewing.preview(b, h, StreamSource.offline(), state, now);
                plan = r.plan();
                desired = r.head();
                preview = r.preview().withPackages(state.isEmpty() ? List.of() : packageDeltas(desired));
                notes = r.notes();
            } else {
                Revision rev = source.read(ref);
                Planning.Result r = Planning.plan(rev, Streams.forRun(repo), repo.snapshotIfPresent(), now);
                plan = r.plan();
                preview = Preview.of(rev.revision());
                notes = r.notes();
                desired = r.desired();
            }
            notes.forEach(n -> stderr.println("note: " + n));
            if (out != null) {
                try (Writer w = Files.newBufferedWriter(out)) {
                    PlanJson.write(plan, w);
                }
            }
            switch (format) {
                case TEXT -> {
                    if (base.isPresent()) PlanRenderer.text(plan, preview, stdout);
                    else PlanRenderer.text(plan, stdout);
                }
                case JSON -> stdout.print(base.isPresent() ? PlanJson.write(plan, preview) : PlanJson.write(plan));
                case MARKDOWN -> stdout.print(PlanMarkdown.render(plan, preview, desired, now));
            }
            stdout.flush();
            return exitCode(plan);
        } catch (InvalidSpecsException e) {
            stderr.println("strata: " + e.getMessage());
            DiagnosticsRenderer.render(e.validation(), e.revision(), DiagnosticsRenderer.Format.TEXT, stderr);
            return ExitCodes.INVALID_SPECS;
        } catch (IOException e) {
            throw new UserError(e.getMessage(), ExitCodes.FAILURE);
        }
    }

    /** The package deltas of the last builds of head's images, from the state store (docs/packages.md). */
    private List<dev.strata.plan.PackageDelta> packageDeltas(dev.strata.plan.Desired head) {
        try (dev.strata.state.StateStore s = repo.openState()) {
            return s.packageDeltas().stream().filter(d -> head.fleet().image(d.image()).isPresent()).toList();
        }
    }

    private int exitCode(Plan plan) {
        boolean halted = plan.actions().stream().anyMatch(a -> a instanceof Action.Hold h && h.cause() == Action.HoldCause.FAILURE_POLICY);
        if (halted) return ExitCodes.HALTED;
        return detailedExitCode && plan.hasChanges() ? ExitCodes.CHANGES : ExitCodes.OK;
    }
}
