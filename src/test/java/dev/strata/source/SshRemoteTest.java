package dev.strata.source;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clones over ssh from an Apache MINA sshd server on loopback that runs the real git-upload-pack:
 * with a key in ~/.ssh, with a key held only by a real ssh-agent, and refusing an unknown host.
 */
class SshRemoteTest {
    @TempDir
    Path tmp;

    private SshServer server;
    private Path home;
    private TestRepo upstream;
    private RevCommit commit;
    private Process agent;

    @BeforeEach
    void start() throws Exception {
        assertTrue(onPath("ssh-keygen") && onPath("git-upload-pack") || onPath("git"), "needs ssh-keygen and git (.ci/run installs it)");
        assertTrue(onPath("ssh-keygen"), "needs ssh-keygen (.ci/run installs it)");
        upstream = TestRepo.init(tmp.resolve("upstream"));
        commit = upstream.write("fleet.yaml", "over ssh\n").commit("one");

        home = Files.createDirectories(tmp.resolve("home"));
        Path ssh = Files.createDirectories(home.resolve(".ssh"));
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "strata-test", "-f", ssh.resolve("id_ed25519").toString());
        Files.copy(ssh.resolve("id_ed25519.pub"), tmp.resolve("authorized_keys"));

        server = SshServer.setUpDefaultServer();
        server.setHost(InetAddress.getLoopbackAddress().getHostAddress());
        server.setPort(0);
        SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(tmp.resolve("hostkey.ser"));
        hostKeys.setAlgorithm("EC");
        server.setKeyPairProvider(hostKeys);
        server.setPublickeyAuthenticator(new AuthorizedKeysAuthenticator(tmp.resolve("authorized_keys")));
        server.setCommandFactory(new ProcessShellCommandFactory());
        server.start();

        KeyPair hostKey = hostKeys.loadKeys(null).iterator().next();
        Files.writeString(ssh.resolve("known_hosts"),
                "[127.0.0.1]:" + server.getPort() + " " + PublicKeyEntry.toString(hostKey.getPublic()) + "\n");
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) server.stop(true);
        if (agent != null) agent.destroy();
        if (upstream != null) upstream.close();
    }

    private String url() {
        return "ssh://git@127.0.0.1:" + server.getPort() + upstream.git.getRepository().getDirectory().getAbsolutePath();
    }

    private GitSource.Options options(Map<String, String> env) {
        return GitSource.Options.defaults().withCacheDir(tmp.resolve("cache")).withEnv(env).withHome(home)
                .withTimeout(java.time.Duration.ofSeconds(30));
    }

    @Test
    void clonesWithTheDefaultKeyInDotSsh() throws Exception {
        try (GitSource source = GitSource.open(url(), options(Map.of()))) {
            assertThat(source.head().commitId()).isEqualTo(commit.name());
            assertThat(source.head().describe()).isEqualTo(url() + "@" + commit.name().substring(0, 12));
        }
    }

    @Test
    void clonesWithAKeyHeldOnlyByTheAgent() throws Exception {
        assertTrue(onPath("ssh-agent") && onPath("ssh-add"), "needs ssh-agent (.ci/run installs it)");
        Path socket = tmp.resolve("agent.sock");
        agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        for (int i = 0; i < 100 && !Files.exists(socket); i++) Thread.sleep(20);
        Path key = home.resolve(".ssh/id_ed25519");
        Map<String, String> env = new HashMap<>(Map.of("SSH_AUTH_SOCK", socket.toString()));
        run(env, "ssh-add", "-q", key.toString());
        Files.move(key, tmp.resolve("moved-away"));
        Files.move(home.resolve(".ssh/id_ed25519.pub"), tmp.resolve("moved-away.pub"));

        assertThatThrownBy(() -> GitSource.open(url(), options(Map.of()).withCacheDir(tmp.resolve("c1"))))
                .isInstanceOf(SourceException.class);
        try (GitSource source = GitSource.open(url(), options(env))) {
            assertThat(source.head().commitId()).isEqualTo(commit.name());
        }
    }

    @Test
    void anUnknownHostIsRefused() throws Exception {
        Files.delete(home.resolve(".ssh/known_hosts"));
        assertThatThrownBy(() -> GitSource.open(url(), options(Map.of())))
                .isInstanceOf(SourceException.class)
                .hasMessageStartingWith("cannot clone " + url() + ": Server key did not validate")
                .hasMessageContaining("known_hosts");
    }

    static boolean onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, exe))) return true;
        }
        return false;
    }

    private static void run(String... command) throws Exception {
        run(Map.of(), command);
    }

    private static void run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    }
}
