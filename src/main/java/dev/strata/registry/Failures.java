package dev.strata.registry;

import com.fasterxml.jackson.core.JacksonException;
import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.http.ResponseException;
import com.google.cloud.tools.jib.image.json.UnknownManifestFormatException;
import com.google.cloud.tools.jib.registry.RegistryCredentialsNotSentException;
import dev.strata.registry.Resolution.Reason;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns what jib-core throws into a {@link RegistryFailure}: a reason, whether trying again may help,
 * and a message that names the registry and repository and says what to do. The password of the
 * credentials in use is masked in anything quoted from an exception.
 */
final class Failures {
    static final String MASK = "***";

    private Failures() {
    }

    /** Where and with what a request was made: for messages. */
    record Context(Repository repository, String tag, Optional<Credentials.Found> credentials, List<Path> searched) {
        String host() {
            return repository.host();
        }
    }

    static RegistryFailure classify(Exception e, Context c) {
        String host = c.host();
        String repo = c.repository().path();
        String on = "repository " + repo + " on registry " + host;
        if (find(e, InsecureRegistryException.class).isPresent() || find(e, SSLException.class).isPresent()) {
            return new RegistryFailure(Reason.INSECURE, false, "cannot reach registry " + host + " over verified HTTPS"
                    + " for repository " + repo + ": it serves plain HTTP or a certificate this machine does not trust."
                    + " If it is meant to be used without TLS verification, add " + host
                    + " to the Fleet's insecureRegistries or pass --insecure-registry " + host
                    + "; otherwise make its certificate trusted");
        }
        Optional<RegistryUnauthorizedException> refused = find(e, RegistryUnauthorizedException.class);
        if (refused.isPresent()) return unauthorized(refused.get().getHttpResponseException().getStatusCode(), c);
        if (find(e, RegistryCredentialsNotSentException.class).isPresent()) return unauthorized(401, c);
        Optional<RegistryAuthenticationFailedException> token = find(e, RegistryAuthenticationFailedException.class);
        if (token.isPresent() && find(e, ResponseException.class).map(r -> r.getStatusCode() < 500).orElse(false)) {
            return unauthorized(find(e, ResponseException.class).get().getStatusCode(), c);
        }
        Optional<ResponseException> response = find(e, ResponseException.class);
        if (response.isPresent()) {
            int status = response.get().getStatusCode();
            if (status == 401 || status == 403) return unauthorized(status, c);
            if (status == 404) {
                return new RegistryFailure(Reason.NOT_FOUND, false, "repository " + repo + " or its tag '" + c.tag()
                        + "' not found on registry " + host + ": check the stream's image and tag");
            }
            boolean transientStatus = status >= 500 || status == 429 || status == 408;
            return new RegistryFailure(Reason.REGISTRY_ERROR, transientStatus, "registry " + host + " answered HTTP "
                    + status + " for " + on + (transientStatus ? "" : ": " + firstLine(response.get(), c)));
        }
        if (find(e, UnknownManifestFormatException.class).isPresent() || find(e, JacksonException.class).isPresent()) {
            return new RegistryFailure(Reason.REGISTRY_ERROR, false, "the manifest of " + c.repository().withTag(c.tag())
                    + " is not one Strata can read (an OCI or Docker image manifest or index): " + firstLine(e, c));
        }
        // I/O errors, also behind jib's wrappers (a token server that cannot be reached).
        if (find(e, UnknownHostException.class).isPresent()) {
            return new RegistryFailure(Reason.UNREACHABLE, true, "cannot reach registry " + host + " for repository "
                    + repo + ": unknown host " + firstLine(find(e, UnknownHostException.class).get(), c));
        }
        if (find(e, IOException.class).isPresent()) {
            return new RegistryFailure(Reason.UNREACHABLE, true, "cannot reach registry " + host + " for repository "
                    + repo + ": " + firstLine(find(e, IOException.class).get(), c));
        }
        if (e instanceof RegistryException) {
            return new RegistryFailure(Reason.REGISTRY_ERROR, false, "registry " + host + " failed a request for "
                    + on + ": " + firstLine(e, c));
        }
        return new RegistryFailure(Reason.REGISTRY_ERROR, false, "unexpected error asking registry " + host + " for "
                + on + ": " + firstLine(e, c));
    }

    static RegistryFailure tagNotFound(Context c) {
        return new RegistryFailure(Reason.NOT_FOUND, false, "tag '" + c.tag() + "' not found in repository "
                + c.repository().path() + " on registry " + c.host() + " (or the repository does not exist):"
                + " check the stream's image and tag (skopeo list-tags docker://" + c.repository().name()
                + " lists the tags)");
    }

    private static RegistryFailure unauthorized(int status, Context c) {
        String host = c.host();
        String what = "registry " + host + " refused " + (c.credentials().isPresent() ? "" : "anonymous ")
                + "access to repository " + c.repository().path() + " (HTTP " + status + ")";
        String todo;
        if (c.credentials().isPresent()) {
            todo = " with the credentials for " + host + " from " + c.credentials().get().file()
                    + (status == 403 ? ": they may not allow pulling this repository" : ": check them")
                    + ", or log in again (docker login " + host + " or podman login " + host + ")";
        } else {
            todo = "; no credentials for " + host + " were found"
                    + (c.searched().isEmpty() ? "" : " (looked in " + c.searched().stream().map(Path::toString)
                    .collect(Collectors.joining(", ")) + ")")
                    + ": log in with docker login " + host + " or podman login " + host;
        }
        return new RegistryFailure(Reason.UNAUTHORIZED, false, what + todo);
    }

    /** The first line of an exception's message with the password masked (jib's messages can run long). */
    private static String firstLine(Throwable t, Context c) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
        int nl = m.indexOf('\n');
        return mask(nl < 0 ? m : m.substring(0, nl), c.credentials());
    }

    static String mask(String message, Optional<Credentials.Found> credentials) {
        if (credentials.isEmpty()) return message;
        String secret = credentials.get().credential().getPassword();
        // Masking a one- or two-character secret would garble every message it happens to occur in.
        return secret == null || secret.length() < 3 ? message : message.replace(secret, MASK);
    }

    static <T extends Throwable> Optional<T> find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) return Optional.of(type.cast(t));
        }
        return Optional.empty();
    }
}
