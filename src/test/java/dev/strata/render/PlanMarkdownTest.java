package dev.strata.render;

import dev.strata.plan.Preview;
import dev.strata.plan.SpecChanges;
import dev.strata.plan.Action;
import dev.strata.plan.Desired;
import dev.strata.plan.Plan;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.ImageSource;
import dev.strata.spec.Layer;
import dev.strata.spec.MachineGroup;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.strata.render.Fixtures.BERLIN;
import static dev.strata.render.Fixtures.CHRONY;
import static dev.strata.render.Fixtures.NOW;
import static dev.strata.render.Fixtures.OTHER_SECRET;
import static dev.strata.render.Fixtures.SECRET_MARKER;
import static dev.strata.render.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

class PlanMarkdownTest {
    static final Desired HEAD = Fixtures.desired(Fixtures.fleet(
            Fixtures.dcEast(Fixtures.rollout(List.of(Fixtures.nightly()), Duration.ofMinutes(30), BERLIN))));

    static String markdown() {
        return PlanMarkdown.render(Fixtures.previewPlan(), Fixtures.preview(), HEAD, NOW);
    }

    @Test
    void showsTheUnifiedDiffOfAChangedWorldReadableFile() {
        assertThat(markdown()).contains("""
                **`/etc/chrony.d/dc.conf`** (mode 0644): changed

                ```diff
                --- a/etc/chrony.d/dc.conf
                +++ b/etc/chrony.d/dc.conf
                @@ -1,1 +1,2 @@
                 server ntp1.example.com iburst
                +server ntp2.example.com iburst
                ```
                """);
    }

    @Test
    void neverShowsTheContentOfAFileThatIsNotWorldReadable() {
        String md = markdown();

        assertThat(md).doesNotContain("S3CRET-MARKER").doesNotContain("mode=802.3ad").doesNotContain("miimon");
        assertThat(md).containsPattern("\\*\\*`/etc/NetworkManager/system-connections/bond0.nmconnection`\\*\\*: changed, "
                + "contents hidden \\(mode 0600\\): sha256:[0-9a-f]{12} → sha256:[0-9a-f]{12}");
    }

    @Test
    void neverShowsTheContentOfASecretFile() {
        assertThat(markdown()).doesNotContain("ANOTHER-SECRET-MARKER")
                .containsPattern("`/etc/monitoring/token`\\*\\*: changed, contents hidden \\(secret\\): sha256:[0-9a-f]{12} → ");
    }

    @Test
    void noOutputFormatShowsHiddenContent() {
        StringWriter text = new StringWriter();
        PlanRenderer.text(Fixtures.previewPlan(), Fixtures.preview(), new PrintWriter(text));
        StringWriter plain = new StringWriter();
        PlanRenderer.text(Fixtures.previewPlan(), new PrintWriter(plain));
        for (String out : List.of(text.toString(), plain.toString(), PlanJson.write(Fixtures.previewPlan()), markdown())) {
            assertThat(out).doesNotContain(SECRET_MARKER).doesNotContain(OTHER_SECRET).doesNotContain("S3CRET");
        }
        assertThat(text.toString()).contains("contents hidden (mode 0600)", "contents hidden (secret)");
    }

    @Test
    void aFileThatBecomesPrivateIsHiddenOnBothSides() {
        Layer.FileEntry open = Fixtures.file("/etc/app.conf", 0644, false);
        Layer.FileEntry closed = Fixtures.file("/etc/app.conf", 0640, false);
        Preview.FileChange f = Preview.FileChange.between("dc-bonded", Optional.of(open), Optional.of(utf8("a=1\n")),
                Optional.of(closed), Optional.of(utf8(SECRET_MARKER + "\n")));

        assertThat(f.hidden()).isTrue();
        assertThat(FileDiffs.describe(f).summary()).startsWith("changed, contents hidden (mode 0640): sha256:");
        assertThat(FileDiffs.describe(f).diff()).isEmpty();
    }

    @Test
    void binaryFilesAreOnlySaidToChange() {
        Preview.FileChange nul = new Preview.FileChange("dc-bonded", "/usr/lib/x.bin", 0644, false,
                Optional.of(new byte[]{1, 0, 2}), Optional.of(new byte[]{1, 0, 3}));
        Preview.FileChange latin1 = new Preview.FileChange("dc-bonded", "/etc/latin1", 0644, false,
                Optional.empty(), Optional.of(new byte[]{'c', 'a', 'f', (byte) 0xe9}));

        assertThat(FileDiffs.describe(nul).summary()).matches("binary file changed: sha256:[0-9a-f]{12} → sha256:[0-9a-f]{12}");
        assertThat(FileDiffs.describe(latin1).summary()).matches("binary file added: sha256:[0-9a-f]{12}");
    }

    @Test
    void addedAndRemovedFilesDiffAgainstNothing() {
        Preview.FileChange added = new Preview.FileChange("i", "/etc/new.conf", 0644, false, Optional.empty(), Optional.of(utf8("x\ny\n")));
        Preview.FileChange removed = new Preview.FileChange("i", "/etc/old.conf", 0644, false, Optional.of(utf8("x\n")), Optional.empty());

        assertThat(FileDiffs.describe(added).diff()).containsExactly("--- /dev/null", "+++ b/etc/new.conf", "@@ -0,0 +1,2 @@", "+x", "+y");
        assertThat(FileDiffs.describe(removed).diff()).containsExactly("--- a/etc/old.conf", "+++ /dev/null", "@@ -1,1 +0,0 @@", "-x");
    }

    @Test
    void fileContentCannotCloseTheCodeFence() {
        Preview.FileChange f = new Preview.FileChange("dc-bonded", "/etc/motd", 0644, false,
                Optional.of(utf8("hello\n")), Optional.of(utf8("```\n</details>\n")));
        Preview preview = new Preview(Optional.of("base"), "head", List.of(), List.of(f));

        String md = PlanMarkdown.render(Fixtures.previewPlan(), preview, HEAD, NOW);

        assertThat(md).contains("````diff\n").contains("+```\n+</details>\n````\n");
    }

    @Test
    void summarisesAndListsSpecChanges() {
        String md = markdown();

        assertThat(md).startsWith("## Strata plan\n");
        assertThat(md).contains("| Images to build | 1 | `dc-bonded` |", "| Groups to roll | 1 | `dc-east` |",
                "| Waiting | 1 | `dc-east` |", "| Held | 0 |  |");
        assertThat(md).contains("### Spec changes\n\n- `Image/dc-bonded` changed\n\n2 objects unchanged.\n");
        assertThat(count(md, "<details>")).isEqualTo(2).isEqualTo(count(md, "</details>"));
    }

    @Test
    void saysWhichIsTheImageAndWhichTheGroupWhenTheyShareAName() {
        MachineGroup dc = HEAD.fleet().groups().get(0);
        MachineGroup named = new MachineGroup("dc-bonded", dc.image(), dc.delivery(), dc.machines(), dc.rollout(), dc.agent(), dc.origin());
        FleetSpec fleet = new FleetSpec(HEAD.fleet().fleet(), HEAD.fleet().streams(), HEAD.fleet().images(), List.of(named));
        Plan plan = new Plan(Plan.FORMAT_VERSION, "head", NOW, "sha256:" + "f".repeat(64), List.of(
                new Action.NoOp("dc-bonded", "up to date: sha256:111111111111 built from 0123456"),
                new Action.NoOp("dc-bonded", "all 10 machines run sha256:111111111111")));

        String md = PlanMarkdown.render(plan, Preview.of("head"), new Desired(fleet, "head", Map.of()), NOW);

        assertThat(md).contains("| Up to date | 2 | `dc-bonded` (image), `dc-bonded` (group) |");
    }

    @Test
    void showsEachWaveWithMachinesAndWhenItCouldStart() {
        assertThat(markdown()).contains("""
                | Wave | Machines | Could start¹ (Europe/Berlin) | Could start¹ (UTC) |
                |---|---:|---|---|
                | canary | 1 | Mon 2026-03-02 01:00 (now) | Mon 2026-03-02 00:00 (now) |
                | early | 2 | Mon 2026-03-02 01:30 | Mon 2026-03-02 00:30 |
                | rest | 7 | Mon 2026-03-02 02:00 | Mon 2026-03-02 01:00 |
                """).contains("assuming each wave completes the moment it starts");
    }

    @Test
    void staysWithinGitHubsLimitAndSaysWhatItLeftOut() {
        List<Image> images = new ArrayList<>();
        List<Action> actions = new ArrayList<>();
        List<Preview.FileChange> files = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String name = "img-" + i;
            images.add(new Image(name, new ImageSource.FromStream("fcos-stable"), Map.of(), List.of(), Fixtures.origin("images/" + name + ".yaml")));
            actions.add(new Action.BuildImage(name, Fixtures.INPUTS, Action.BuildCause.SPEC_CHANGED, List.of(CHRONY.path()),
                    "layer network: " + CHRONY.path() + " changed"));
            files.add(new Preview.FileChange(name, CHRONY.path(), 0644, false, Optional.of(utf8("server a iburst\n".repeat(20))),
                    Optional.of(utf8("server b iburst\n".repeat(20)))));
        }
        FleetSpec base = HEAD.fleet();
        MachineGroup group = base.groups().get(0);
        actions.add(new Action.Wait(group.name(), Optional.empty(), Action.WaitCause.BUILD, Optional.empty(), "waiting"));
        FleetSpec fleet = new FleetSpec(base.fleet(), base.streams(), images, base.groups());
        Plan plan = new Plan(Plan.FORMAT_VERSION, "head", NOW, "sha256:" + "f".repeat(64), actions);

        String md = PlanMarkdown.render(plan, new Preview(Optional.of("base"), "head", List.of(), files),
                new Desired(fleet, "head", Map.of()), NOW);

        assertThat(md.length()).isLessThanOrEqualTo(PlanMarkdown.MAX_CHARS).isGreaterThan(PlanMarkdown.MAX_CHARS - 2_000);
        Matcher m = Pattern.compile("_Preview truncated: (\\d+) more sections; run strata plan locally for the full output\\._\n$").matcher(md);
        assertThat(m.find()).isTrue();
        int shown = count(md, "<details>");
        assertThat(count(md, "</details>")).isEqualTo(shown);
        // Header, spec changes, 300 images and 1 group: whatever is not shown is counted.
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(2 + 300 + 1 - 2 - shown);
    }

    @Test
    void isNotCutWhenItFits() {
        assertThat(markdown()).doesNotContain("Preview truncated").endsWith("</details>\n\n");
    }

    @Test
    void fitCountsTheSectionsItLeavesOut() {
        List<String> sections = List.of("a".repeat(50), "b".repeat(50), "c".repeat(50));

        assertThat(PlanMarkdown.fit(sections, 10_000)).isEqualTo("a".repeat(50) + "\n" + "b".repeat(50) + "\n" + "c".repeat(50) + "\n");
        String cut = PlanMarkdown.fit(sections, 150);
        assertThat(cut).startsWith("a".repeat(50) + "\n").endsWith("_Preview truncated: 2 more sections; run strata plan locally for the full output._\n");
        assertThat(cut.length()).isLessThanOrEqualTo(150);
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }
}
