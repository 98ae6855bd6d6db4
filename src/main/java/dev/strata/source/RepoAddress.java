package dev.strata.source;

import org.eclipse.jgit.transport.URIish;

import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What {@code --repo} names: a folder on this machine, or a remote to clone into the cache. */
sealed interface RepoAddress {

    /** For messages: the path, or the URL without credentials. */
    String display();

    record Local(Path path) implements RepoAddress {
        @Override
        public String display() {
            return path.toString();
        }
    }

    /**
     * @param url      the address without credentials: what is stored, fetched from and hashed for the cache
     * @param display  the same as written, for messages
     * @param user     a user name written in the URL, a hint for credential lookups
     * @param password a password or token written in the URL; used, never stored or shown
     */
    record Remote(URIish url, String display, Optional<String> user, Optional<String> password) implements RepoAddress {

        /** http, https, ssh, file, git: lower case. scp-like addresses are ssh. */
        String scheme() {
            return url.getScheme() == null ? "ssh" : url.getScheme().toLowerCase(Locale.ROOT);
        }
    }

    Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://(([^/?#]*)@)?.*$", Pattern.DOTALL);
    /** git's rule: scp-like when there is a colon and no slash before it (a one-letter host is a drive letter). */
    Pattern SCP_LIKE = Pattern.compile("^(([^@/:]+)(:[^@/]*)?@)?([^/:]{2,}):(.*)$", Pattern.DOTALL);

    static RepoAddress parse(String repo, Path workingDir) throws SourceException {
        if (repo == null || repo.isBlank()) throw new SourceException("no repository given");
        Matcher m = SCHEME.matcher(repo);
        if (m.matches()) {
            String scheme = m.group(1).toLowerCase(Locale.ROOT);
            if (!scheme.matches("file|https?|ssh|git\\+ssh|ssh\\+git|git")) {
                throw new SourceException("unsupported repository URL scheme '" + scheme + "' in " + Redact.url(repo)
                        + " (use file://, https://, http://, ssh:// or git@host:path)");
            }
            return remote(repo, m.group(3));
        }
        Matcher scp = SCP_LIKE.matcher(repo);
        if (scp.matches()) return remote(repo, scp.group(1) == null ? null : scp.group(2) + nullToEmpty(scp.group(3)));
        return new Local(workingDir.resolve(repo).toAbsolutePath().normalize());
    }

    private static Remote remote(String repo, String userInfo) throws SourceException {
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            user = Optional.of(decode(colon < 0 ? userInfo : userInfo.substring(0, colon))).filter(s -> !s.isEmpty());
            if (colon >= 0) password = Optional.of(decode(userInfo.substring(colon + 1))).filter(s -> !s.isEmpty());
        }
        String clean = Redact.url(repo);
        try {
            return new Remote(new URIish(clean), clean, user, password);
        } catch (URISyntaxException e) {
            throw new SourceException("not a valid repository URL: " + Redact.url(repo));
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
