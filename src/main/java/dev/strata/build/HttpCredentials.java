package dev.strata.build;

import java.util.concurrent.Callable;

/**
 * jib-core sends credentials over plain HTTP only while the JVM-wide system property
 * {@code sendCredentialsOverHttp} is true. It is set only while a build that involves a registry
 * listed as insecure runs (counted, for parallel builds), and restored afterwards.
 */
final class HttpCredentials {
    private static final String PROPERTY = "sendCredentialsOverHttp";
    private static int users;
    private static String before;

    private HttpCredentials() {
    }

    static <T> T during(Callable<T> call) throws Exception {
        synchronized (HttpCredentials.class) {
            if (users++ == 0) {
                before = System.getProperty(PROPERTY);
                System.setProperty(PROPERTY, "true");
            }
        }
        try {
            return call.call();
        } finally {
            synchronized (HttpCredentials.class) {
                if (--users == 0) {
                    if (before == null) System.clearProperty(PROPERTY);
                    else System.setProperty(PROPERTY, before);
                }
            }
        }
    }
}
