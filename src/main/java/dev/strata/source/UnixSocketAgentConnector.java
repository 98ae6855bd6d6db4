package dev.strata.source;

import org.eclipse.jgit.transport.sshd.agent.AbstractConnector;

import java.io.EOFException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** One connection to an ssh agent: requests and replies framed as the agent protocol wants (length, type, body). */
final class UnixSocketAgentConnector extends AbstractConnector {
    private final String socket;
    private SocketChannel channel;

    UnixSocketAgentConnector(String socket) {
        this.socket = socket;
    }

    @Override
    public synchronized boolean connect() throws IOException {
        if (channel != null) return true;
        if (socket == null || socket.isEmpty() || !Files.exists(Path.of(socket))) return false;
        channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        return true;
    }

    @Override
    public synchronized byte[] rpc(byte command, byte[] message) throws IOException {
        if (channel == null) throw new IllegalStateException("not connected to the ssh agent");
        prepareMessage(command, message);
        writeFully(ByteBuffer.wrap(message));
        byte[] length = readFully(4);
        return readFully(toLength(command, length));
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) {
            try {
                channel.close();
            } finally {
                channel = null;
            }
        }
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) channel.write(buffer);
    }

    private byte[] readFully(int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) throw new EOFException("the ssh agent closed the connection");
        }
        return buffer.array();
    }
}
