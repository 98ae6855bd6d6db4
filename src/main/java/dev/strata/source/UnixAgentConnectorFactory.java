package dev.strata.source;

import org.eclipse.jgit.transport.sshd.agent.Connector;
import org.eclipse.jgit.transport.sshd.agent.ConnectorFactory;

import java.io.File;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Connects JGit's ssh client to an OpenSSH-compatible agent over a Unix domain socket. */
final class UnixAgentConnectorFactory implements ConnectorFactory {
    static final String SSH_AUTH_SOCK = "SSH_AUTH_SOCK";

    private static final ConnectorDescriptor DEFAULT = new ConnectorDescriptor() {
        @Override
        public String getIdentityAgent() {
            return SSH_AUTH_SOCK;
        }

        @Override
        public String getDisplayName() {
            return "ssh-agent at $" + SSH_AUTH_SOCK;
        }
    };

    private final Map<String, String> env;

    UnixAgentConnectorFactory(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Connector create(String identityAgent, File homeDir) {
        String socket = identityAgent;
        if (socket == null || socket.isEmpty() || socket.equals(SSH_AUTH_SOCK)) {
            socket = env.get(SSH_AUTH_SOCK);
        } else if (socket.startsWith("~/") && homeDir != null) {
            socket = new File(homeDir, socket.substring(2)).getPath();
        } else if (socket.startsWith("$")) {
            socket = env.get(socket.substring(1).replace("{", "").replace("}", ""));
        }
        return new UnixSocketAgentConnector(socket);
    }

    @Override
    public boolean isSupported() {
        return !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    @Override
    public String getName() {
        return "strata-unix-socket";
    }

    @Override
    public Collection<ConnectorDescriptor> getSupportedConnectors() {
        return List.of(DEFAULT);
    }

    @Override
    public ConnectorDescriptor getDefaultConnector() {
        return DEFAULT;
    }
}
