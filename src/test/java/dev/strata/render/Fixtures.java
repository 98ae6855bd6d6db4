package dev.strata.render;

import dev.strata.plan.Preview;
import dev.strata.plan.Action;
import dev.strata.plan.Desired;
import dev.strata.plan.Plan;
import dev.strata.spec.Fleet;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.ImageSource;
import dev.strata.spec.Layer;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Origin;
import dev.strata.spec.Quantity;
import dev.strata.spec.Rollout;
import dev.strata.spec.Stream;
import dev.strata.spec.Wave;
import dev.strata.spec.Window;

import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** A small fleet like fleet-example: dc-bonded carries bond keyfiles (0600) and chrony; dc-east rolls it. */
final class Fixtures {
    static final String SECRET_MARKER = "psk=S3CRET-MARKER-do-not-print";
    static final String OTHER_SECRET = "token=ANOTHER-SECRET-MARKER";
    static final String D1 = "sha256:" + "1".repeat(64);
    static final String D2 = "sha256:" + "2".repeat(64);
    static final String INPUTS = "sha256:" + "a".repeat(64);
    static final Instant NOW = Instant.parse("2026-03-02T00:00:00Z"); // a Monday, 01:00 in Berlin
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private Fixtures() {
    }

    static Origin origin(String file) {
        return new Origin(file, 0);
    }

    static Layer.FileEntry file(String path, int mode, boolean secret) {
        return new Layer.FileEntry(path, Optional.of("files/x"), Optional.empty(), mode, "0:0", secret);
    }

    static final Layer.FileEntry BOND = file("/etc/NetworkManager/system-connections/bond0.nmconnection", 0600, false);
    static final Layer.FileEntry CHRONY = file("/etc/chrony.d/dc.conf", 0644, false);
    static final Layer.FileEntry TOKEN = file("/etc/monitoring/token", 0644, true);

    static Image dcBonded() {
        Layer network = new Layer("network", List.of(BOND, CHRONY), List.of(), null, List.of());
        Layer monitoring = new Layer("monitoring", List.of(TOKEN), List.of(), null, List.of("console=ttyS0,115200"));
        return new Image("dc-bonded", new ImageSource.FromStream("fcos-stable"), Map.of(), List.of(network, monitoring),
                origin("images/dc-bonded.yaml"));
    }

    static List<Machine> machines(String prefix, int n) {
        List<Machine> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(new Machine(String.format("%032x", (long) prefix.hashCode() * 1000 + i), String.format("%s-%02d", prefix, i),
                    Map.of("rack", i <= n / 2 ? "r1" : "r2")));
        }
        return out;
    }

    static Rollout rollout(List<Window> windows, Duration bake, ZoneId zone) {
        List<Wave> waves = List.of(
                new Wave("canary", List.of("dc-east-01"), Map.of(), OptionalInt.empty(), 100),
                new Wave("early", List.of(), Map.of(), OptionalInt.of(30), 100),
                new Wave("rest", List.of(), Map.of(), OptionalInt.of(100), 90));
        return new Rollout(waves, new Quantity(2, false),
                Optional.of(new Rollout.DisruptionBudget(List.of("rack"), Quantity.ONE)), Optional.empty(), Optional.empty(),
                bake, zone, windows, false, Duration.ofHours(1), Rollout.FailurePolicy.DEFAULT);
    }

    /** Weekdays 01:00 for 4h in Berlin, as in fleet-example. */
    static Window nightly() {
        return new Window(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(1, 0), Duration.ofHours(4));
    }

    static MachineGroup dcEast(Rollout r) {
        return new MachineGroup("dc-east", "dc-bonded", MachineGroup.Delivery.BOOTC, machines("dc-east", 10), r,
                origin("groups/dc-east.yaml"));
    }

    static FleetSpec fleet(MachineGroup... groups) {
        Fleet fleet = new Fleet("example", Optional.of("registry.example.com/fleet"), List.of(), List.of(), origin("fleet.yaml"));
        Stream stream = new Stream("fcos-stable", "quay.io/fedora/fedora-coreos", Optional.of("stable"), Optional.empty(),
                Optional.empty(), List.of(), List.of(), Optional.empty(), origin("streams/fcos-stable.yaml"));
        return new FleetSpec(fleet, List.of(stream), List.of(dcBonded()), List.of(groups));
    }

    static Desired desired(FleetSpec fleet) {
        return new Desired(fleet, "0123456789abcdef0123456789abcdef01234567", Map.of());
    }

    /** dc-bonded rebuilds because its network layer changed; dc-east waits for it. */
    static Plan previewPlan() {
        return new Plan(Plan.FORMAT_VERSION, "0123456789abcdef0123456789abcdef01234567", NOW, "sha256:" + "f".repeat(64), List.of(
                new Action.BuildImage("dc-bonded", INPUTS, Action.BuildCause.SPEC_CHANGED,
                        List.of(BOND.path(), CHRONY.path(), TOKEN.path()),
                        "layer network: " + BOND.path() + ", " + CHRONY.path() + " changed; layer monitoring: " + TOKEN.path() + " changed"),
                new Action.Wait("dc-east", Optional.empty(), Action.WaitCause.BUILD, Optional.empty(),
                        "waiting for image 'dc-bonded' to be built (inputs sha256:aaaaaaaaaaaa)")));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The bond0 keyfile, the chrony drop-in and a secret token change between base and head. */
    static Preview preview() {
        String bondBefore = "[connection]\nid=bond0\ntype=bond\n[bond]\nmode=active-backup\n" + SECRET_MARKER + "-old\n";
        String bondAfter = "[connection]\nid=bond0\ntype=bond\n[bond]\nmode=802.3ad\nmiimon=100\n" + SECRET_MARKER + "\n";
        return new Preview(Optional.of("fedcba9876543210fedcba9876543210fedcba98"), "0123456789abcdef0123456789abcdef01234567",
                List.of(new Preview.SpecChange(dev.strata.spec.Kind.FLEET, "example", Preview.Change.UNCHANGED),
                        new Preview.SpecChange(dev.strata.spec.Kind.IMAGE, "dc-bonded", Preview.Change.CHANGED),
                        new Preview.SpecChange(dev.strata.spec.Kind.MACHINE_GROUP, "dc-east", Preview.Change.UNCHANGED)),
                List.of(Preview.FileChange.between("dc-bonded", Optional.of(BOND), Optional.of(utf8(bondBefore)),
                                Optional.of(BOND), Optional.of(utf8(bondAfter))),
                        Preview.FileChange.between("dc-bonded", Optional.of(CHRONY),
                                Optional.of(utf8("server ntp1.example.com iburst\n")), Optional.of(CHRONY),
                                Optional.of(utf8("server ntp1.example.com iburst\nserver ntp2.example.com iburst\n"))),
                        Preview.FileChange.between("dc-bonded", Optional.of(TOKEN), Optional.of(utf8(OTHER_SECRET + "-1\n")),
                                Optional.of(TOKEN), Optional.of(utf8(OTHER_SECRET + "-2\n")))));
    }
}
