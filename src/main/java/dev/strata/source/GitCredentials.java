package dev.strata.source;

import org.eclipse.jgit.errors.UnsupportedCredentialItem;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.NetRC;
import org.eclipse.jgit.transport.URIish;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Credentials for http(s) remotes, from the usual places in order: a user:password in the URL, a
 * token in the environment, git's credential helpers, ~/.netrc. When the server turns one down JGit
 * calls {@link #reset}, and the next place is tried. Never interactive; nothing it finds is logged.
 * ssh remotes authenticate with keys and the agent instead (see {@link SshSupport}).
 */
final class GitCredentials extends CredentialsProvider {
    static final String TOKEN_ENV = "STRATA_GIT_TOKEN";
    static final String USERNAME_ENV = "STRATA_GIT_USERNAME";
    static final String TOKEN_USER = "x-access-token";

    record Login(String user, String password) {
        @Override
        public String toString() {
            return "Login[user=" + user + ", password=" + Redact.MASK + "]";
        }
    }

    /** One place credentials may come from. */
    interface Lookup {
        Optional<Login> find(URIish uri, Optional<String> userHint);
    }

    private final List<Lookup> lookups;
    private final Optional<String> userHint;
    private final Map<String, Integer> next = new ConcurrentHashMap<>();

    GitCredentials(List<Lookup> lookups, Optional<String> userHint) {
        this.lookups = List.copyOf(lookups);
        this.userHint = userHint;
    }

    /** The standard chain for a remote, reading the environment and home folder given. */
    static GitCredentials forRemote(RepoAddress.Remote remote, Map<String, String> env, Path home) {
        List<Lookup> lookups = new ArrayList<>();
        remote.password().ifPresent(p -> lookups.add((uri, hint) ->
                Optional.of(new Login(remote.user().orElse(TOKEN_USER), p))));
        lookups.add(envToken(env));
        GitCredentialHelper.find(env).ifPresent(helper -> lookups.add(helper::fill));
        lookups.add(netrc(env, home));
        return new GitCredentials(lookups, remote.user());
    }

    /** The values that must never appear in output: they are masked in every message. */
    static List<String> secrets(RepoAddress.Remote remote, Map<String, String> env) {
        List<String> out = new ArrayList<>();
        remote.password().ifPresent(out::add);
        Optional.ofNullable(env.get(TOKEN_ENV)).filter(s -> !s.isEmpty()).ifPresent(out::add);
        return out;
    }

    static Lookup envToken(Map<String, String> env) {
        return (uri, hint) -> Optional.ofNullable(env.get(TOKEN_ENV)).filter(t -> !t.isEmpty())
                .map(t -> new Login(Optional.ofNullable(env.get(USERNAME_ENV)).filter(u -> !u.isEmpty())
                        .orElse(TOKEN_USER), t));
    }

    static Lookup netrc(Map<String, String> env, Path home) {
        return (uri, hint) -> {
            Path file = Optional.ofNullable(env.get("NETRC")).filter(s -> !s.isEmpty()).map(Path::of)
                    .orElse(home.resolve(".netrc"));
            if (uri.getHost() == null || !Files.isRegularFile(file)) return Optional.empty();
            NetRC.NetRCEntry entry = new NetRC(file.toFile()).getEntry(uri.getHost());
            if (entry == null || entry.password == null) return Optional.empty();
            return Optional.of(new Login(entry.login, new String(entry.password)));
        };
    }

    @Override
    public boolean isInteractive() {
        return false;
    }

    @Override
    public boolean supports(CredentialItem... items) {
        for (CredentialItem item : items) {
            if (!(item instanceof CredentialItem.Username) && !(item instanceof CredentialItem.Password)) return false;
        }
        return true;
    }

    @Override
    public boolean get(URIish uri, CredentialItem... items) throws UnsupportedCredentialItem {
        if (!isHttp(uri) || !supports(items)) return false;
        String key = key(uri);
        for (int i = next.getOrDefault(key, 0); i < lookups.size(); i++) {
            Optional<Login> login = lookups.get(i).find(uri, userHint);
            if (login.isEmpty()) continue;
            next.put(key, i);
            for (CredentialItem item : items) {
                if (item instanceof CredentialItem.Username u) u.setValue(login.get().user());
                if (item instanceof CredentialItem.Password p) p.setValue(login.get().password().toCharArray());
            }
            return true;
        }
        next.put(key, lookups.size());
        return false;
    }

    /** The server refused what was given last: move on to the next place. */
    @Override
    public void reset(URIish uri) {
        next.merge(key(uri), 1, Integer::sum);
    }

    private static boolean isHttp(URIish uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("http") || scheme.equals("https");
    }

    private static String key(URIish uri) {
        return uri.getHost() + ":" + uri.getPort() + uri.getPath();
    }
}
