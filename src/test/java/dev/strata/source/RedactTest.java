package dev.strata.source;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedactTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "https://x-access-token:ghp_abc123@github.com/org/fleet.git | https://github.com/org/fleet.git",
            "https://ghp_abc123@github.com/org/fleet.git                 | https://github.com/org/fleet.git",
            "https://user:p%40ss@host:8443/a/b.git                       | https://host:8443/a/b.git",
            "https://host/repo.git?private_token=abc&x=1#frag            | https://host/repo.git",
            "HTTP://u:p@Host/r                                           | HTTP://Host/r",
            "ssh://git:secret@host:2222/org/r.git                        | ssh://git@host:2222/org/r.git",
            "ssh://git@host/org/r.git                                    | ssh://git@host/org/r.git",
            "git+ssh://me:pw@host/r                                      | git+ssh://me@host/r",
            "git@github.com:org/fleet.git                                | git@github.com:org/fleet.git",
            "git:secret@github.com:org/fleet.git                         | git@github.com:org/fleet.git",
            "file:///srv/git/fleet.git                                   | file:///srv/git/fleet.git",
            "/srv/git/fleet                                              | /srv/git/fleet",
            "https://github.com/org/fleet.git                            | https://github.com/org/fleet.git",
    })
    void urlsLoseTheirCredentials(String in, String out) {
        assertThat(Redact.url(in)).isEqualTo(out);
    }

    @Test
    void messagesLoseCredentialsInEveryUrlTheyQuote() {
        String message = "https://bob:hunter2@git.example/org/r.git: not authorized; tried "
                + "'https://tok3n@git.example/org/r.git/info/refs?service=git-upload-pack' and http://a:b@c/d.";
        assertThat(Redact.text(message)).isEqualTo("https://git.example/org/r.git: not authorized; tried "
                + "'https://git.example/org/r.git/info/refs' and http://c/d.")
                .doesNotContain("hunter2").doesNotContain("tok3n");
    }

    @Test
    void knownSecretsAreMaskedWhereverTheyAppear() {
        assertThat(Redact.text("header Authorization: Bearer ghp_abcdef1234 rejected", List.of("ghp_abcdef1234")))
                .isEqualTo("header Authorization: Bearer *** rejected");
        assertThat(Redact.text("a b c", List.of("b"))).isEqualTo("a b c"); // too short to be a real secret
    }

    @Test
    void sourceExceptionsRedactTheirMessageAndTheirCauses() {
        Exception cause = new RuntimeException("https://u:topsecret@h/r: boom", new IllegalStateException("token topsecret"));
        SourceException e = new SourceException("cannot fetch https://u:topsecret@h/r", cause, List.of("topsecret"));
        assertThat(e.getMessage()).isEqualTo("cannot fetch https://h/r");
        assertThat(e.getCause().getMessage()).isEqualTo("java.lang.RuntimeException: https://h/r: boom");
        assertThat(e.getCause().getCause().getMessage()).isEqualTo("java.lang.IllegalStateException: token ***");
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain("topsecret");
    }
}
