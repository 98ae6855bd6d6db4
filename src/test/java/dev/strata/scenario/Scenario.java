package dev.strata.scenario;

import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.revwalk.RevCommit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * The life of a fleet repository, one commit per step, each a change a team makes in a pull request.
 * {@link #upTo} replays the history into a new repository; the ids come out the same every time.
 */
final class Scenario {
    static final String BOND = "images/files/bond0.nmconnection";
    static final String DC_BONDED = "images/dc-bonded.yaml";

    enum Step {
        /** The example fleet lands in a repository that had none. */
        INITIAL_FLEET("01-initial-fleet"),
        /** The bond keyfile (mode 0600) changes: dc-bonded rebuilds, dc-east rolls; the keyfile stays hidden. */
        BOND_CHANGE("02-bond-change"),
        /** The FCOS pin moves: every image rebuilds on the new base, every group rolls. */
        STREAM_PIN_MOVED("03-stream-pin-moved"),
        /** A new group of two lab machines on dc-bonded, with no maintenance windows. */
        NEW_GROUP("04-new-group"),
        /** The edge group is paused in its spec. */
        PAUSED_GROUP("05-paused-group"),
        /** git revert of the bond change: dc-bonded rebuilds with the old keyfile. */
        BOND_REVERTED("06-bond-reverted"),
        /** A new image built from dc-bonded (its file sorts first, so build order must put dc-bonded before it). */
        DERIVED_IMAGE("07-derived-image"),
        /** dc-bonded changes a world-readable file: it rebuilds, and then ceph-osd, built on it. */
        BASE_IMAGE_CHANGED("08-base-image-changed");

        final String dir;

        Step(String dir) {
            this.dir = dir;
        }
    }

    final FleetRepo repo;
    final Map<Step, RevCommit> commits = new EnumMap<>(Step.class);

    private Scenario(FleetRepo repo) {
        this.repo = repo;
    }

    /** A repository whose HEAD is {@code last}, after every step before it. */
    static Scenario upTo(Step last, Path dir) throws GitAPIException, IOException {
        Scenario s = new Scenario(FleetRepo.init(dir));
        s.repo.write("README.md", "# Fleet\n\nSpecs for our machines, reconciled by Strata.\n").commit("Start the fleet repository");
        for (Step step : Step.values()) {
            s.commits.put(step, s.apply(step));
            if (step == last) break;
        }
        return s;
    }

    private RevCommit apply(Step step) throws GitAPIException {
        return switch (step) {
            case INITIAL_FLEET -> repo.copyExample().commit("Add the example fleet");
            case BOND_CHANGE -> repo.replace(BOND, "miimon=100", "miimon=200").commit("bond0: check the links every 200 ms");
            case STREAM_PIN_MOVED -> repo.replace("streams/fcos-stable.yaml",
                            "pin: sha256:4605769f2d7a7f3e9e5c2b8d1a0f6e4c3b2a1908f7e6d5c4b3a29180f7e6d5c4\n  version: \"43.20260413.3.2\"",
                            "pin: sha256:9b1c0d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c\n  version: \"43.20260427.3.0\"")
                    .commit("fcos-stable: move the pin to 43.20260427.3.0");
            case NEW_GROUP -> repo.write("groups/lab.yaml", """
                    apiVersion: strata.dev/v1alpha1
                    kind: MachineGroup
                    metadata:
                      name: lab
                    spec:
                      image: dc-bonded
                      delivery: bootc
                      machines:
                        - {id: 0f1e2d3c4b5a69788796a5b4c3d2e1f0, name: lab-01}
                        - {id: 00112233445566778899aabbccddeeff, name: lab-02}
                      rollout:
                        waves:
                          - {name: all, percent: 100}
                        maxUnavailable: 1
                    """).commit("Add the lab group");
            case PAUSED_GROUP -> repo.replace("groups/edge.yaml", "    maxUnavailable: \"25%\"\n",
                    "    maxUnavailable: \"25%\"\n    paused: true\n").commit("edge: pause updates");
            case BOND_REVERTED -> repo.revert(commits.get(Step.BOND_CHANGE));
            case DERIVED_IMAGE -> repo.write("images/ceph-osd.yaml", """
                    apiVersion: strata.dev/v1alpha1
                    kind: Image
                    metadata:
                      name: ceph-osd
                    spec:
                      from: {image: dc-bonded}
                      layers:
                        - name: ceph
                          files:
                            - {path: /etc/multipath.conf.d/dc.conf, content: "defaults {\\n  user_friendly_names yes\\n}\\n"}
                    """).commit("Add the ceph-osd image, built on dc-bonded");
            case BASE_IMAGE_CHANGED -> repo.replace(DC_BONDED, "server ntp2.example.com iburst\\n\"",
                    "server ntp2.example.com iburst\\nserver ntp3.example.com iburst\\n\"").commit("dc-bonded: a third NTP server");
        };
    }
}
