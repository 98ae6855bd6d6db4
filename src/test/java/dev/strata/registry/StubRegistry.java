package dev.strata.registry;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A plain-HTTP server that answers each request with what {@link Handler} says, one request per
 * connection. Like Go's net/http (and so like a real registry) it answers a TLS handshake with
 * {@code 400 Bad Request} at once; the JDK's HttpServer waits for a line instead, until the client
 * times out, which would make every HTTPS-first attempt take the client's whole read timeout.
 */
final class StubRegistry implements AutoCloseable {
    record Response(int status, String contentType, byte[] body) {
    }

    @FunctionalInterface
    interface Handler {
        Response answer(String method, String path);
    }

    private final ServerSocket socket;
    private final Thread acceptor;

    StubRegistry(Handler handler) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    serve(s, handler);
                } catch (IOException e) {
                    // Closed, or a client that went away: next connection.
                }
            }
        }, "stub-registry");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String host() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    private static void serve(Socket s, Handler handler) throws IOException {
        InputStream in = new BufferedInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        in.mark(1);
        if (in.read() == 0x16) { // a TLS record: this server speaks plain HTTP
            out.write("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"
                    .getBytes(StandardCharsets.US_ASCII));
            return;
        }
        in.reset();
        String head = readHead(in);
        String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
        Response r = handler.answer(requestLine[0], requestLine[1]);
        String headers = "HTTP/1.1 " + r.status() + " Stub\r\nContent-Type: " + r.contentType()
                + "\r\nContent-Length: " + r.body().length + "\r\nConnection: close\r\n\r\n";
        out.write(headers.getBytes(StandardCharsets.US_ASCII));
        if (!requestLine[0].equals("HEAD")) out.write(r.body());
        out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
