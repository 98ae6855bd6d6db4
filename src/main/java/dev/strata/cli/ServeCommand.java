package dev.strata.cli;

import dev.strata.reconcile.FleetSource;
import dev.strata.reconcile.Reconciler;
import dev.strata.serve.PathPrefix;
import dev.strata.serve.ServeRuntime;
import dev.strata.serve.StrataServer;
import dev.strata.serve.TlsFiles;
import dev.strata.serve.WebhookSecret;
import dev.strata.spec.Durations;
import dev.strata.state.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve machines: FleetLock reboot slots (as Zincati speaks it), the agent's target and status"
                + " endpoints, /healthz, /metrics and a signed Git webhook; reconcile at start, every --interval and on"
                + " each push. Stops gracefully on SIGTERM or SIGINT. See docs/serve.md.",
                "Shares --state with 'strata reconcile' on the same host; the run lock keeps their reconciles apart."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {" 0:stopped", " 1:failure (cannot listen, state unreadable)", "64:usage error",
                "143:stopped by SIGTERM (130: SIGINT), after a graceful shutdown"})
final class ServeCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    RepoOptions repo;

    @Option(names = "--ref", paramLabel = "REF", description = "Branch, tag or commit to follow (default: HEAD).")
    Optional<String> ref;

    @Option(names = "--listen", defaultValue = "127.0.0.1:8080", paramLabel = "HOST:PORT",
            description = "Address to listen on; ':PORT' or '0.0.0.0:PORT' for every interface. Default: ${DEFAULT-VALUE}.")
    String listen;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this certificate chain (server certificate first).")
    Optional<Path> tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The certificate's unencrypted private key (PKCS#8, RSA or EC).")
    Optional<Path> tlsKey;

    @Option(names = "--path-prefix", defaultValue = "", paramLabel = "PATH",
            description = "Serve every endpoint below this path, e.g. an unguessable /k3J9.../ (FleetLock has no other credential).")
    String pathPrefix;

    @Option(names = "--path-prefix-file", paramLabel = "FILE",
            description = "Read the path prefix from FILE (its first line), keeping it off the command line that other users can see.")
    Optional<Path> pathPrefixFile;

    @Option(names = "--interval", defaultValue = "5m", paramLabel = "DURATION",
            description = "Reconcile this often (0: only at start and on webhooks). Default: ${DEFAULT-VALUE}.")
    String interval;

    @Option(names = "--jitter", defaultValue = "30s", paramLabel = "DURATION",
            description = "Add up to this much, at random, to each interval. Default: ${DEFAULT-VALUE}.")
    String jitter;

    @Option(names = "--webhook-secret-file", paramLabel = "FILE",
            description = "Enable POST /v1/hooks/git: pushes signed with this secret (X-Hub-Signature-256) trigger a reconcile.")
    Optional<Path> webhookSecretFile;

    @Option(names = "--shutdown-grace", defaultValue = "10s", paramLabel = "DURATION",
            description = "On SIGTERM, how long requests in flight may take to finish. Default: ${DEFAULT-VALUE}.")
    String shutdownGrace;

    @Mixin
    DrillClockOption drillClock;

    Clock clock = TestClockHook.clock();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Optional<DrillClock> drill = drillClock.drill(this.clock);
        Clock clock = drill.<Clock>map(d -> d).orElse(this.clock);
        ServeLog log = new ServeLog(err, clock);
        drill.ifPresent(d -> log.line(d.describe()));
        Duration every = duration("--interval", interval);
        Duration spread = duration("--jitter", jitter);
        Duration grace = duration("--shutdown-grace", shutdownGrace);
        InetSocketAddress address = listenAddress(listen);
        PathPrefix prefix = prefix();
        StrataServer.Config config = StrataServer.Config.plain(address).withPrefix(prefix).withShutdownGrace(grace);
        Optional<SSLContext> tls = tls();
        if (tls.isPresent()) config = config.withTls(tls.get());
        Optional<WebhookSecret> webhook = webhookSecret(log);
        // A client that sends its request or reads its reply too slowly loses its connection rather than holding a thread.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) System.setProperty("sun.net.httpserver.maxReqTime", "60");
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) System.setProperty("sun.net.httpserver.maxRspTime", "60");

        FleetSource source = repo.open();
        StateStore store;
        try {
            store = repo.openState();
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        Reconciler reconciler = new Reconciler(source, store, Streams.forRun(repo),
                (rev, fleet) -> Builders.forRun(repo, rev, fleet, store, err),
                new Reconciler.Settings(ref, Duration.ofSeconds(10), "strata serve",
                        Optional.ofNullable(repo.registry).filter(r -> !r.isBlank())));
        ServeRuntime runtime;
        try {
            runtime = ServeRuntime.start(new ServeRuntime.Settings(config, every, spread, webhook), store, reconciler, clock, log, log);
        } catch (BindException e) {
            close(store, source);
            throw new UserError("cannot listen on " + listen + ": " + e.getMessage(), ExitCodes.FAILURE);
        } catch (IOException | RuntimeException e) {
            close(store, source);
            throw e;
        }
        StrataServer server = runtime.server();
        log.line("listening on " + (tls.isPresent() ? "https" : "http") + "://" + server.address().getAddress().getHostAddress()
                + ":" + server.address().getPort() + (prefix.isRoot() ? "/" : " (below the path prefix, not shown)")
                + "; state " + store.location() + "; reconcile " + (every.isZero() ? "at start" : "every " + interval + " +" + jitter)
                + (webhook.isPresent() ? " and on signed pushes" : ""));

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.line("stopping: new requests get 503, requests in flight finish, a running reconcile completes");
            try {
                runtime.close();
            } finally {
                close(store, source);
                log.line("stopped");
                stopped.countDown();
            }
        }, "strata-serve-shutdown"));
        stopped.await();
        return ExitCodes.OK;
    }

    private static void close(StateStore store, FleetSource source) {
        try {
            store.close();
        } finally {
            source.close();
        }
    }

    private static Duration duration(String option, String value) {
        if (value.strip().equals("0")) return Duration.ZERO;
        return Durations.parse(value).orElseThrow(() -> new UserError(option + ": '" + value
                + "' is not a duration such as 30s, 5m or 0", ExitCodes.USAGE));
    }

    /** HOST:PORT, [IPv6]:PORT, or :PORT for every interface. */
    static InetSocketAddress listenAddress(String value) {
        int colon = value.lastIndexOf(':');
        if (colon < 0) throw new UserError("--listen: '" + value + "' is not HOST:PORT (e.g. 0.0.0.0:8443)", ExitCodes.USAGE);
        String host = value.substring(0, colon).replaceAll("^\\[|]$", "");
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) throw new UserError("--listen: '" + value + "' has no port from 0 to 65535", ExitCodes.USAGE);
        InetSocketAddress a = host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        if (a.isUnresolved()) throw new UserError("--listen: cannot resolve host '" + host + "'", ExitCodes.USAGE);
        return a;
    }

    private PathPrefix prefix() {
        if (pathPrefixFile.isPresent() && !pathPrefix.isEmpty()) {
            throw new UserError("give --path-prefix or --path-prefix-file, not both", ExitCodes.USAGE);
        }
        if (pathPrefixFile.isEmpty()) {
            try {
                return PathPrefix.parse(pathPrefix);
            } catch (IllegalArgumentException e) {
                throw new UserError("--path-prefix " + e.getMessage(), ExitCodes.USAGE);
            }
        }
        Path file = pathPrefixFile.get();
        String text;
        try {
            text = Files.readString(file).lines().findFirst().orElse("");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError("--path-prefix-file: no such file: " + file, ExitCodes.USAGE);
        } catch (IOException e) {
            throw new UserError("--path-prefix-file: cannot read " + file + ": " + e.getMessage(), ExitCodes.USAGE);
        }
        try {
            PathPrefix p = PathPrefix.parse(text);
            if (p.isRoot()) throw new UserError("--path-prefix-file " + file + " is empty", ExitCodes.USAGE);
            return p;
        } catch (IllegalArgumentException e) {
            // The message quotes the file's text; the file is the secret, so name only the file.
            throw new UserError("--path-prefix-file " + file + ": the prefix must be segments of letters, digits"
                    + " and . _ ~ - separated by /", ExitCodes.USAGE);
        }
    }

    private Optional<SSLContext> tls() {
        if (tlsCert.isPresent() != tlsKey.isPresent()) {
            throw new UserError("--tls-cert and --tls-key go together: give both for HTTPS, or neither for HTTP", ExitCodes.USAGE);
        }
        if (tlsCert.isEmpty()) return Optional.empty();
        try {
            return Optional.of(TlsFiles.context(tlsCert.get(), tlsKey.get()));
        } catch (TlsFiles.TlsException e) {
            throw new UserError(e.getMessage(), ExitCodes.USAGE);
        }
    }

    private Optional<WebhookSecret> webhookSecret(ServeLog log) {
        if (webhookSecretFile.isEmpty()) return Optional.empty();
        Path file = webhookSecretFile.get();
        try {
            WebhookSecret secret = WebhookSecret.read(file);
            try {
                var perms = Files.getPosixFilePermissions(file);
                if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
                    log.line("note: " + file + " is readable by other users; chmod 600 it");
                }
            } catch (UnsupportedOperationException | IOException e) {
                // Not a POSIX file system: nothing to say.
            }
            return Optional.of(secret);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError("--webhook-secret-file: no such file: " + file, ExitCodes.USAGE);
        } catch (IOException e) {
            throw new UserError(e.getMessage(), ExitCodes.USAGE);
        }
    }
}
