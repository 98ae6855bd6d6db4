package dev.strata.delivery;

import java.util.Locale;

/**
 * Image repositories written the way Zincati writes a booted payload (its OCI reference library's
 * normalisation): a first component without a dot or a colon, other than {@code localhost}, is a Docker
 * Hub path, written {@code docker.io/...}, and a one-segment Docker Hub path is under {@code library/}.
 */
final class Payloads {
    private Payloads() {
    }

    static String normalize(String repository) {
        String name = repository.strip();
        int slash = name.indexOf('/');
        String domain;
        String rest;
        if (slash < 0) {
            domain = "docker.io";
            rest = name;
        } else {
            String first = name.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                domain = first;
                rest = name.substring(slash + 1);
            } else {
                domain = "docker.io";
                rest = name;
            }
        }
        if (domain.equals("index.docker.io")) domain = "docker.io";
        if (domain.equals("docker.io") && !rest.contains("/")) rest = "library/" + rest;
        return domain + "/" + rest.toLowerCase(Locale.ROOT);
    }
}
