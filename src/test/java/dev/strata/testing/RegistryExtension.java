package dev.strata.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.Optional;

/**
 * A real OCI registry for a test class: Debian's {@code docker-registry} (CNCF distribution) on a free
 * loopback port, with its storage in a temporary folder, started before the class's tests and stopped
 * (SIGTERM) after them. Register it on a static field, optionally with a login (htpasswd auth):
 * <pre>{@code
 * @RegisterExtension
 * static final RegistryExtension REGISTRY = new RegistryExtension();
 * @RegisterExtension
 * static final RegistryExtension LOCKED = RegistryExtension.withLogin("alice", "s3cret-pw");
 * }</pre>
 * and use {@link #registry()}, or, when the class registers only one, take a {@link TestRegistry} parameter.
 * When {@code docker-registry} is not installed the tests fail, saying how to install it; they are never skipped.
 */
public final class RegistryExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private final Optional<TestRegistry.Login> login;
    private TestRegistry registry;

    public RegistryExtension() {
        this(Optional.empty());
    }

    private RegistryExtension(Optional<TestRegistry.Login> login) {
        this.login = login;
    }

    /** A registry that answers only to {@code user} with {@code password} (basic auth over plain HTTP). */
    public static RegistryExtension withLogin(String user, String password) {
        return new RegistryExtension(Optional.of(new TestRegistry.Login(user, password)));
    }

    /** The running registry. */
    public TestRegistry registry() {
        if (registry == null) {
            throw new IllegalStateException("the registry is not running: register RegistryExtension on a static"
                    + " field with @RegisterExtension (it starts before all tests of the class)");
        }
        return registry;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        registry = TestRegistry.start(login);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (registry != null) registry.close();
        registry = null;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestRegistry.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return registry();
    }
}
