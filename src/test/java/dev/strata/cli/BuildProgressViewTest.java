package dev.strata.cli;

import dev.strata.build.BuildProgress;
import dev.strata.plan.Action;
import dev.strata.plan.Build;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** What the build progress shows, on a terminal and in a log, for the values builds report. */
class BuildProgressViewTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final AtomicLong nanos = new AtomicLong();

    private BuildProgressView view(boolean terminal, boolean lines) {
        return new BuildProgressView(new PrintWriter(out, true), new PrintWriter(err, true), terminal, lines, nanos::get);
    }

    private static Action.BuildImage action(String image) {
        return new Action.BuildImage(image, "sha256:" + "a".repeat(64), Action.BuildCause.NEW_IMAGE, List.of(), "new image");
    }

    private static Build build(String image) {
        return new Build(image, "sha256:" + "a".repeat(64), "sha256:" + "b".repeat(64),
                "registry.example.com/fleet/" + image + "@sha256:" + "b".repeat(64), "c0ffee", "sha256:" + "c".repeat(64),
                Optional.of("43.1"), Instant.parse("2026-03-01T10:00:00Z"));
    }

    /** A build's reports: checking, placing 40 base layers, pushing 3 blobs of 1,800 bytes. */
    private void reports(BuildProgressView v, String image) {
        BuildProgress p = BuildProgress.checking(image);
        v.accept(p);
        for (int done = 0; done <= 40; done += 10) {
            nanos.addAndGet(150_000_000L);
            v.accept(new BuildProgress(image, BuildProgress.Step.PLACING_BASE, done, 40, 0, 0, 0, 0, 0));
        }
        nanos.addAndGet(150_000_000L);
        v.accept(new BuildProgress(image, BuildProgress.Step.PUSHING, 40, 40, 0, 1, 3, 1200, 1800));
        nanos.addAndGet(150_000_000L);
        v.accept(new BuildProgress(image, BuildProgress.Step.PUSHING, 40, 40, 0, 3, 3, 1800, 1800));
    }

    @Test
    void onATerminalRunningImagesAreRedrawnInPlaceWithLayersAndBytes() {
        BuildProgressView v = view(true, true);
        v.expect(3);
        v.started(action("dc-bonded"));
        v.started(action("edge"));
        reports(v, "dc-bonded");
        v.built(action("dc-bonded"), build("dc-bonded"), Duration.ofMillis(2300));
        v.note("edge: already pushed as registry.example.com/fleet/edge:inputs-x (sha256:...); not rebuilt");
        v.finish();

        String s = out.toString();
        assertThat(s).contains("building 2 images: 0 built, 0 failed, 1 waiting")
                .contains("dc-bonded  placing base 20/40 layers")
                .contains("dc-bonded  base 40/40 layers · pushing blobs 1/3, 1.2 KiB of 1.8 KiB")
                .contains("+ dc-bonded: registry.example.com/fleet/dc-bonded@sha256:" + "b".repeat(64)
                        + " (2.3s; 3 blobs, 1.8 KiB pushed; 40 base layers in place)")
                .contains("building 1 image: 1 built, 0 failed, 1 waiting")
                .contains("\033[?7l"); // long lines are cut, not wrapped, so the block can be redrawn
        // The block is moved over and cleared before each redraw, and cleared at the end.
        assertThat(s).contains("\033[3F\033[J").endsWith("\033[2F\033[J");
        // No line starts a build on a terminal (the block shows it); notes go to the error stream.
        assertThat(s).doesNotContain("… dc-bonded: building");
        assertThat(err.toString()).isEqualTo("edge: already pushed as registry.example.com/fleet/edge:inputs-x (sha256:...); not rebuilt\n");
    }

    @Test
    void redrawsAtMostTenTimesASecond() {
        BuildProgressView v = view(true, true);
        v.started(action("a"));
        int before = out.toString().split("\033\\[J", -1).length;
        for (int i = 1; i <= 50; i++) {
            nanos.addAndGet(10_000_000L); // 10 ms apart: half a second in all
            v.accept(new BuildProgress("a", BuildProgress.Step.PUSHING, 0, 0, 0, 0, 1, i, 50));
        }
        int redraws = out.toString().split("\033\\[J", -1).length - before;
        assertThat(redraws).isBetween(4, 6);
    }

    @Test
    void elsewhereItPrintsPlainLinesOnly() {
        BuildProgressView v = view(false, true);
        v.started(action("dc-bonded"));
        reports(v, "dc-bonded");
        v.built(action("dc-bonded"), build("dc-bonded"), Duration.ofMillis(2300));
        v.failed(action("edge"), "+ edge: build failed: cannot push image edge to repository fleet/edge on registry r", Duration.ZERO);
        v.finish();
        assertThat(out.toString()).isEqualTo("… dc-bonded: building (new image)\n"
                + "+ dc-bonded: registry.example.com/fleet/dc-bonded@sha256:" + "b".repeat(64)
                + " (2.3s; 3 blobs, 1.8 KiB pushed; 40 base layers in place)\n"
                + "! edge: build failed: cannot push image edge to repository fleet/edge on registry r\n");
    }

    @Test
    void forApplyItDrawsTheBlockButLeavesTheLinesToApply() {
        BuildProgressView v = view(true, false);
        v.started(action("dc-bonded"));
        reports(v, "dc-bonded");
        v.built(action("dc-bonded"), build("dc-bonded"), Duration.ofMillis(2300));
        v.say("applied + dc-bonded: new image");
        v.finish();
        assertThat(out.toString()).contains("dc-bonded  base 40/40 layers · pushing blobs 3/3, 1.8 KiB of 1.8 KiB")
                .contains("applied + dc-bonded: new image\n").doesNotContain("+ dc-bonded: registry");
    }

    @Test
    void describesEachStep() {
        assertThat(BuildProgressView.describe(BuildProgress.checking("x"))).isEqualTo("checking the registry");
        assertThat(BuildProgressView.describe(new BuildProgress("x", BuildProgress.Step.PLACING_BASE, 3, 40, 5 << 20, 0, 0, 0, 0)))
                .isEqualTo("placing base 3/40 layers (5.0 MiB copied)");
        assertThat(BuildProgressView.describe(new BuildProgress("x", BuildProgress.Step.PUSHING, 0, 0, 0, 1, 2, 10, 3000)))
                .isEqualTo("pushing blobs 1/2, 10 B of 2.9 KiB");
        assertThat(BuildProgressView.bytes(3L << 30)).isEqualTo("3.00 GiB");
    }
}
