package dev.strata.cli;

import dev.strata.delivery.DesiredView;
import dev.strata.delivery.Tokens;
import dev.strata.spec.MachineGroup;
import dev.strata.state.HistoryEntry;
import dev.strata.state.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "machine-config", mixinStandardHelpOptions = true,
        description = "Issue a new agent token for a machine (the old one stops working) and print what the machine needs:"
                + " how to check its id, /etc/strata/agent.env, and where the registry pull secret goes.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {" 0:issued", " 1:failure", "64:usage error (unknown machine, bad --url)", "65:invalid specs"})
final class MachineConfigCommand implements Callable<Integer> {
    static final String AGENT_ENV = "/etc/strata/agent.env";
    static final String AUTH_JSON = "/etc/ostree/auth.json";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    RepoOptions repo;

    @Parameters(index = "0", paramLabel = "MACHINE", description = "The machine's name or its 32-hex id.")
    String machine;

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "The base URL machines reach strata serve at, e.g. https://strata.example.internal:8443/.")
    String url;

    @Option(names = "--env-file", paramLabel = "FILE",
            description = "Write the agent settings (with the token) to FILE, mode 0600, instead of printing them.")
    Optional<Path> envFile;

    @Option(names = "--ref", paramLabel = "REF", description = "Branch, tag or commit whose fleet lists the machine (default: HEAD).")
    Optional<String> ref;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String base = baseUrl(url);
        FleetAtRef fleet = FleetAtRef.read(repo, ref);
        FleetAtRef.Found found = fleet.machine(machine, Optional.empty());
        MachineGroup g = found.group();
        String id = found.machine().id();
        Instant now = clock.instant();
        Tokens.Issued issued = Tokens.issue(id, now);
        String env = "STRATA_URL=" + base + "\nSTRATA_MACHINE_ID=" + id + "\nSTRATA_GROUP=" + g.name()
                + "\nSTRATA_TOKEN=" + issued.token() + "\n";
        try (StateStore store = repo.openState()) {
            store.update(tx -> {
                tx.recordMachineToken(issued.record());
                tx.forgetUnknownMachine(id);
                tx.appendHistory(new HistoryEntry(now, fleet.revision(), "machine-token", g.name(), found.machine().name() + " " + id,
                        "new agent token issued by " + Who.me() + "; the previous one no longer works"));
            });
        }
        envFile.ifPresent(f -> writeOwnerOnly(f, env));
        Optional<String> repository = DesiredView.of(fleet.revision(), fleet.fleet(), Optional.ofNullable(repo.registry))
                .repository(g.image());

        out.println("Machine " + found.machine().name() + " (" + id + "), group " + g.name() + ", " + g.delivery().value()
                + " delivery.");
        out.println("Issued a new agent token; the machine's previous token no longer works."
                + (envFile.isEmpty() ? " It is shown only here." : ""));
        out.println();
        out.println("1. On the machine, check its id. This must print " + id + ":");
        out.println();
        out.println("systemd-id128 machine-id -a de35106b6ec24688b63afddaa156679b");
        out.println();
        if (envFile.isPresent()) {
            out.println("2. Copy " + envFile.get() + " (written with mode 0600) to the machine as " + AGENT_ENV
                    + ", owned by root, mode 0600.");
        } else {
            out.println("2. Write the agent settings to " + AGENT_ENV + ", owned by root, mode 0600:");
            out.println();
            out.println("install -d -m 0755 /etc/strata && install -m 0600 /dev/null " + AGENT_ENV);
            out.println("cat > " + AGENT_ENV + " <<'EOF'");
            out.print(env);
            out.println("EOF");
        }
        out.println();
        out.println("3. Registry pull secret: " + repository.map(r -> "the machine pulls its images from " + r + ", by digest.")
                .orElse("the fleet has no registry yet (set the Fleet's registry, or --registry), so there is nothing to pull."));
        out.println("   If the registry needs a login, put it in " + AUTH_JSON + " (root, mode 0600), in the containers-auth.json"
                + " format: {\"auths\": {\"REGISTRY\": {\"auth\": \"BASE64(user:password)\"}}}.");
        if (g.delivery() == MachineGroup.Delivery.ZINCATI) {
            out.println();
            out.println("4. Zincati takes its update graph and its reboot slots from strata serve: /etc/zincati/config.d/55-strata.toml,"
                    + " then 'systemctl restart zincati'. A machine still on stock Fedora CoreOS then rebases onto the group's"
                    + " image by itself once its wave is released (docs/zincati.md):");
            out.println();
            out.println("[identity]");
            out.println("group = \"" + g.name() + "\"");
            out.println("[cincinnati]");
            out.println("base_url = \"" + base + "\"");
            out.println("[updates]");
            out.println("strategy = \"fleet_lock\"");
            out.println("[updates.fleet_lock]");
            out.println("base_url = \"" + base + "\"");
        }
        return ExitCodes.OK;
    }

    /** An http(s) URL with a host, ending in '/' so Zincati's and the agent's URL joining keep its path. */
    static String baseUrl(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new UserError("--url: '" + url + "' is not a URL: " + e.getReason(), ExitCodes.USAGE);
        }
        if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null
                || u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
            throw new UserError("--url: '" + url + "' is not an http(s) URL of strata serve, such as"
                    + " https://strata.example.internal:8443/ (no user, query or fragment)", ExitCodes.USAGE);
        }
        return url.endsWith("/") ? url : url + "/";
    }

    private static void writeOwnerOnly(Path file, String content) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UserError("--env-file: cannot write " + file + ": " + e.getMessage(), ExitCodes.FAILURE);
        }
    }
}
