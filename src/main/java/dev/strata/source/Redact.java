package dev.strata.source;

import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes credentials from repository addresses and from messages that may quote them. Everything
 * Strata shows, stores or hashes about a remote goes through here first.
 */
public final class Redact {
    static final String MASK = "***";

    private static final Pattern URL = Pattern.compile(
            "^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*@)?([^?#]*)(\\?[^#]*)?(#.*)?$", Pattern.DOTALL);
    private static final Pattern SCP_LIKE = Pattern.compile("^([^@/:]+)(:[^@/]*)?@([^/:]+:.*)$", Pattern.DOTALL);
    private static final Pattern URL_IN_TEXT = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^\\s'\"<>`]+");

    private Redact() {
    }

    /**
     * A repository address without credentials: for scheme URLs the whole user-info part goes (it is
     * often a token), except that ssh keeps the user name (an account, never a secret) and drops any
     * password; the query and fragment go too (tokens ride there). Anything that is not a URL (a local
     * path) comes back unchanged, apart from a password in scp-like {@code user:pass@host:path}.
     */
    public static String url(String address) {
        if (address == null) return null;
        Matcher m = URL.matcher(address);
        if (m.matches()) {
            String scheme = m.group(1);
            String userInfo = m.group(2);
            String kept = "";
            if (userInfo != null && isSsh(scheme)) {
                String user = userInfo.substring(0, userInfo.length() - 1);
                int colon = user.indexOf(':');
                if (colon >= 0) user = user.substring(0, colon);
                if (!user.isEmpty()) kept = user + "@";
            }
            return scheme + "://" + kept + m.group(3);
        }
        Matcher scp = SCP_LIKE.matcher(address);
        if (scp.matches() && scp.group(2) != null) return scp.group(1) + "@" + scp.group(3);
        return address;
    }

    /** A message with every URL in it redacted as by {@link #url(String)}. */
    public static String text(String message) {
        if (message == null) return null;
        Matcher m = URL_IN_TEXT.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(url(m.group())));
        m.appendTail(out);
        return out.toString();
    }

    /** As {@link #text(String)}, and every occurrence of a known secret (a token from the environment) masked. */
    public static String text(String message, Collection<String> secrets) {
        String out = text(message);
        if (out == null) return null;
        for (String secret : secrets) {
            // Short values would mask ordinary words; a real token is never this short.
            if (secret != null && secret.length() >= 4) out = out.replace(secret, MASK);
        }
        return out;
    }

    private static boolean isSsh(String scheme) {
        String s = scheme.toLowerCase(java.util.Locale.ROOT);
        return s.equals("ssh") || s.equals("git+ssh") || s.equals("ssh+git");
    }
}
