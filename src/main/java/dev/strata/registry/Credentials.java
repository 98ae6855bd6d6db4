package dev.strata.registry;

import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.CredentialRetriever;
import com.google.cloud.tools.jib.registry.credentials.CredentialRetrievalException;
import com.google.cloud.tools.jib.registry.credentials.DockerConfigCredentialRetriever;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Registry credentials, read from the files {@code docker login} and {@code podman login} write, in
 * the order podman and skopeo read them:
 * <ol>
 *   <li>{@code $REGISTRY_AUTH_FILE} when set, and then no other file;</li>
 *   <li>{@code $XDG_RUNTIME_DIR/containers/auth.json};</li>
 *   <li>{@code $XDG_CONFIG_HOME/containers/auth.json} ({@code ~/.config/containers/auth.json});</li>
 *   <li>{@code $DOCKER_CONFIG/config.json} ({@code ~/.docker/config.json});</li>
 *   <li>{@code ~/.dockercfg} (the legacy Docker format).</li>
 * </ol>
 * The first file with an entry for the registry wins. In each file, a credential helper named for the
 * registry ({@code credHelpers}) comes first, then the {@code credsStore} helper, then {@code auths};
 * helpers are {@code docker-credential-NAME} programs on the {@code PATH} (jib-core runs them).
 * Nothing read here is ever logged or put in a message.
 */
public final class Credentials {
    /** Credentials for one registry and the file they were found through (the file is safe to show). */
    public record Found(Credential credential, Path file) {
        @Override
        public String toString() {
            // jib's Credential#toString prints the password.
            return "Found[user=***, password=***, file=" + file + "]";
        }
    }

    private record AuthFile(Path path, boolean legacyFormat) {
    }

    private final List<AuthFile> files;

    private Credentials(List<AuthFile> files) {
        this.files = List.copyOf(files);
    }

    /** The standard search, with the environment variables and home folder given. */
    public static Credentials fromEnvironment(Map<String, String> env, Path home) {
        Optional<String> explicit = value(env, "REGISTRY_AUTH_FILE");
        if (explicit.isPresent()) return new Credentials(List.of(new AuthFile(Path.of(explicit.get()), false)));
        List<AuthFile> files = new ArrayList<>();
        value(env, "XDG_RUNTIME_DIR").ifPresent(d -> files.add(new AuthFile(Path.of(d, "containers", "auth.json"), false)));
        Path configHome = value(env, "XDG_CONFIG_HOME").map(Path::of).orElse(home.resolve(".config"));
        files.add(new AuthFile(configHome.resolve("containers").resolve("auth.json"), false));
        Path docker = value(env, "DOCKER_CONFIG").map(Path::of).orElse(home.resolve(".docker"));
        files.add(new AuthFile(docker.resolve("config.json"), false));
        files.add(new AuthFile(home.resolve(".dockercfg"), true));
        return new Credentials(files);
    }

    /** This process's environment and home folder. */
    public static Credentials fromSystem() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** Exactly these auth files (docker {@code config.json} / podman {@code auth.json} format), in order. */
    public static Credentials fromFiles(List<Path> files) {
        return new Credentials(files.stream().map(f -> new AuthFile(f, false)).toList());
    }

    /** No credentials: every registry is asked anonymously. */
    public static Credentials none() {
        return new Credentials(List.of());
    }

    /** The files searched, in order; they need not exist. */
    public List<Path> files() {
        return files.stream().map(AuthFile::path).toList();
    }

    /**
     * The credentials for {@code registry} (host or host:port, as a client addresses it), if any file has them.
     *
     * @throws CredentialsException when an auth file exists but cannot be read; the message names the
     *     file and quotes nothing from it
     */
    public Optional<Found> find(String registry) throws CredentialsException {
        for (AuthFile file : files) {
            DockerConfigCredentialRetriever retriever = file.legacyFormat()
                    ? DockerConfigCredentialRetriever.createForLegacyFormat(registry, file.path())
                    : DockerConfigCredentialRetriever.create(registry, file.path());
            try {
                Optional<Credential> found = retriever.retrieve(event -> { });
                if (found.isPresent()) return Optional.of(new Found(found.get(), file.path()));
            } catch (IOException e) {
                // The parser's message may quote the file, and the file holds secrets: leave it out.
                throw new CredentialsException("cannot read registry credentials from " + file.path()
                        + ": it is not a valid " + (file.legacyFormat() ? "legacy Docker" : "docker/podman")
                        + " auth file (JSON); fix or remove it, or log in again");
            }
        }
        return Optional.empty();
    }

    /** The same search as a jib-core retriever, for pushing with {@code RegistryImage.addCredentialRetriever}. */
    public CredentialRetriever retriever(String registry) {
        return () -> {
            try {
                return find(registry).map(Found::credential);
            } catch (CredentialsException e) {
                throw new CredentialRetrievalException(e);
            }
        };
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
    }

    /** An auth file exists but cannot be read. The message is safe to print. */
    public static final class CredentialsException extends Exception {
        public CredentialsException(String message) {
            super(message);
        }
    }
}
