package dev.strata.source;

import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GitCredentialsTest {
    @TempDir
    Path tmp;

    private static final URIish HTTPS = uri("https://git.example/org/fleet.git");

    private static URIish uri(String s) {
        try {
            return new URIish(s);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static RepoAddress.Remote remote(String url) throws SourceException {
        return (RepoAddress.Remote) RepoAddress.parse(url, Path.of("/"));
    }

    /** What the chain hands JGit for one request: "user:password", or null when it has nothing. */
    private static String ask(GitCredentials chain, URIish uri) {
        CredentialItem.Username user = new CredentialItem.Username();
        CredentialItem.Password password = new CredentialItem.Password();
        if (!chain.get(uri, user, password)) return null;
        return user.getValue() + ":" + new String(password.getValue());
    }

    @Test
    void triesTheUrlThenTheEnvironmentTokenThenNetrcMovingOnWhenTurnedDown() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve(".netrc"), "machine git.example login nora password netrc-pw\n");
        Map<String, String> env = Map.of("STRATA_GIT_TOKEN", "env-token");
        GitCredentials chain = GitCredentials.forRemote(remote("https://alice:url-pw@git.example/org/fleet.git"), env, home);

        assertThat(ask(chain, HTTPS)).isEqualTo("alice:url-pw");
        assertThat(ask(chain, HTTPS)).isEqualTo("alice:url-pw"); // until the server turns it down
        chain.reset(HTTPS);
        assertThat(ask(chain, HTTPS)).isEqualTo("x-access-token:env-token");
        chain.reset(HTTPS);
        assertThat(ask(chain, HTTPS)).isEqualTo("nora:netrc-pw");
        chain.reset(HTTPS);
        assertThat(ask(chain, HTTPS)).isNull();
    }

    @Test
    void theTokenUserNameComesFromTheEnvironment() throws Exception {
        Map<String, String> env = Map.of("STRATA_GIT_TOKEN", "t0ken", "STRATA_GIT_USERNAME", "oauth2");
        GitCredentials chain = GitCredentials.forRemote(remote("https://git.example/org/fleet.git"), env, tmp);
        assertThat(ask(chain, HTTPS)).isEqualTo("oauth2:t0ken");
        assertThat(GitCredentials.secrets(remote("https://a:b-pass@h/r"), env)).containsExactly("b-pass", "t0ken");
    }

    @Test
    void neverAnswersForSshOrForQuestionsOtherThanUserAndPassword() throws Exception {
        GitCredentials chain = GitCredentials.forRemote(remote("https://git.example/r"), Map.of("STRATA_GIT_TOKEN", "t"), tmp);
        assertThat(ask(chain, uri("ssh://git@git.example/r"))).isNull();
        assertThat(chain.supports(new CredentialItem.YesNoType("accept the host key?"))).isFalse();
        assertThat(chain.isInteractive()).isFalse();
        assertThat(new GitCredentials.Login("u", "secret-pw").toString()).doesNotContain("secret-pw");
    }

    @Test
    void asksGitsCredentialHelpers() throws Exception {
        Optional<GitCredentialHelper> helper = GitCredentialHelper.find(System.getenv());
        assertTrue(helper.isPresent(), "git is not on the PATH (.ci/run installs it)");
        Path gitconfig = tmp.resolve("gitconfig");
        Files.writeString(gitconfig, """
                [credential]
                \tuseHttpPath = true
                \thelper = "!f() { test \\"$1\\" = get || exit 0; cat > %s; echo username=helper-user; echo password=helper-pw; }; f"
                """.formatted(tmp.resolve("request")));
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", tmp.toString());
        env.put("GIT_CONFIG_GLOBAL", gitconfig.toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        GitCredentials chain = GitCredentials.forRemote(remote("https://bob@git.example:8443/org/fleet.git"), env, tmp);

        assertThat(ask(chain, uri("https://git.example:8443/org/fleet.git"))).isEqualTo("helper-user:helper-pw");
        assertThat(Files.readString(tmp.resolve("request")))
                .contains("protocol=https\n", "host=git.example:8443\n", "path=org/fleet.git\n", "username=bob\n");
    }

    @Test
    void aGitWithNoHelperConfiguredAnswersNothingAndDoesNotPrompt() throws Exception {
        Optional<GitCredentialHelper> helper = GitCredentialHelper.find(System.getenv());
        assertTrue(helper.isPresent(), "git is not on the PATH (.ci/run installs it)");
        Files.writeString(tmp.resolve("gitconfig"), "");
        Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "HOME", tmp.toString(),
                "GIT_CONFIG_GLOBAL", tmp.resolve("gitconfig").toString(), "GIT_CONFIG_NOSYSTEM", "1");
        GitCredentials chain = GitCredentials.forRemote(remote("https://git.example/org/fleet.git"), env, tmp);
        assertThat(ask(chain, HTTPS)).isNull();
    }

    @Test
    void parsesHelperOutput() {
        assertThat(GitCredentialHelper.parse("protocol=https\nhost=h\nusername=u\npassword=p=q\n"))
                .contains(new GitCredentials.Login("u", "p=q"));
        assertThat(GitCredentialHelper.parse("username=u\n")).isEmpty();
    }
}
