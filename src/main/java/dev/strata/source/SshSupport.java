package dev.strata.source;

import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.transport.sshd.agent.ConnectorFactory;

import java.nio.file.Path;
import java.util.Map;

/**
 * ssh through Apache MINA sshd: ~/.ssh/config, keys (id_ed25519, id_rsa ...) and known_hosts as
 * OpenSSH reads them, and the agent at SSH_AUTH_SOCK. Host keys are checked: an unknown host is
 * refused (there is no one to ask), unless ~/.ssh/config says StrictHostKeyChecking accept-new or no.
 */
final class SshSupport {
    private SshSupport() {
    }

    static SshdSessionFactory sessionFactory(Path home, Map<String, String> env) {
        return new SshdSessionFactoryBuilder()
                .setHomeDirectory(home.toFile())
                .setSshDirectory(home.resolve(".ssh").toFile())
                .setConnectorFactory(agentConnectors(env))
                .build(null);
    }

    /** JGit's own agent connector needs JNA and is not published to Maven Central; Java 16+ has Unix sockets. */
    static ConnectorFactory agentConnectors(Map<String, String> env) {
        return new UnixAgentConnectorFactory(env);
    }
}
