package dev.strata.source;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepoAddressTest {
    private static final Path CWD = Path.of("/work/here");

    @Test
    void pathsAreLocal() throws Exception {
        assertThat(RepoAddress.parse("fleet", CWD)).isEqualTo(new RepoAddress.Local(Path.of("/work/here/fleet")));
        assertThat(RepoAddress.parse("../other/./repo", CWD)).isEqualTo(new RepoAddress.Local(Path.of("/work/other/repo")));
        assertThat(RepoAddress.parse("/srv/git/fleet.git", CWD)).isEqualTo(new RepoAddress.Local(Path.of("/srv/git/fleet.git")));
        assertThat(RepoAddress.parse("./a:b", CWD)).isInstanceOf(RepoAddress.Local.class); // a slash before the colon
    }

    @Test
    void urlsAndScpLikeAddressesAreRemote() throws Exception {
        RepoAddress.Remote https = (RepoAddress.Remote) RepoAddress.parse("https://bot:tok%2Fen@git.example/org/fleet.git", CWD);
        assertThat(https.display()).isEqualTo("https://git.example/org/fleet.git");
        assertThat(https.user()).contains("bot");
        assertThat(https.password()).contains("tok/en");
        assertThat(https.scheme()).isEqualTo("https");

        RepoAddress.Remote scp = (RepoAddress.Remote) RepoAddress.parse("git@github.com:org/fleet.git", CWD);
        assertThat(scp.display()).isEqualTo("git@github.com:org/fleet.git");
        assertThat(scp.scheme()).isEqualTo("ssh");
        assertThat(scp.url().getHost()).isEqualTo("github.com");
        assertThat(scp.url().getUser()).isEqualTo("git");
        assertThat(scp.password()).isEqualTo(Optional.empty());

        RepoAddress.Remote ssh = (RepoAddress.Remote) RepoAddress.parse("ssh://git@host:2222/srv/fleet.git", CWD);
        assertThat(ssh.url().getPort()).isEqualTo(2222);
        assertThat(ssh.scheme()).isEqualTo("ssh");

        assertThat(RepoAddress.parse("file:///srv/git/fleet.git", CWD)).isInstanceOf(RepoAddress.Remote.class);
    }

    @Test
    void otherSchemesAreRefusedWithoutEchoingCredentials() {
        assertThatThrownBy(() -> RepoAddress.parse("ftp://u:pw123@host/r", CWD)).isInstanceOf(SourceException.class)
                .hasMessage("unsupported repository URL scheme 'ftp' in ftp://host/r (use file://, https://, http://, ssh:// or git@host:path)");
        assertThatThrownBy(() -> RepoAddress.parse(" ", CWD)).isInstanceOf(SourceException.class);
    }
}
