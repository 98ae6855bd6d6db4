package dev.strata.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An HTTP/1.1 relay in front of a registry that counts what moves, message by message: for every
 * exchange the method, path and status, and the bytes of the request and response heads (request line
 * or status line, headers, chunk framing) apart from their bodies. "Bytes moved" is the bodies: blobs,
 * manifests and configs; the heads are protocol overhead, counted separately. Clients address the relay
 * (host and port), and the registry builds its upload locations from the Host header, so every request
 * of a push comes through it. Bytes are relayed as they are read; nothing is changed.
 *
 * <p>Used by the build tests, which assert on it, and by scripts/bench-build ({@link #main}).
 */
public final class CountingProxy implements AutoCloseable {
    /** One request and its response. Paths are as sent, with the query. */
    public record Exchange(String method, String path, int status, long requestHead, long requestBody,
                           long responseHead, long responseBody) {
        /** A blob upload or a manifest push: a request that carries content. */
        public boolean upload() {
            return requestBody > 0;
        }
    }

    /** Sums over every exchange so far. */
    public record Totals(int requests, long headsUp, long bodiesUp, long headsDown, long bodiesDown) {
        public long wireUp() {
            return headsUp + bodiesUp;
        }

        public long wireDown() {
            return headsDown + bodiesDown;
        }
    }

    private final ServerSocket server;
    private final int targetPort;
    private final ConcurrentLinkedQueue<Exchange> exchanges = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private CountingProxy(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    /** A relay on a free loopback port to {@code 127.0.0.1:targetPort}. */
    public static CountingProxy start(int targetPort) throws IOException {
        return start(0, targetPort);
    }

    public static CountingProxy start(int port, int targetPort) throws IOException {
        CountingProxy proxy = new CountingProxy(new ServerSocket(port, 200, InetAddress.getLoopbackAddress()), targetPort);
        Thread accept = new Thread(proxy::accept, "counting-proxy-" + proxy.port());
        accept.setDaemon(true);
        accept.start();
        return proxy;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:PORT}: the registry part of a reference that goes through the relay. */
    public String host() {
        return "127.0.0.1:" + port();
    }

    public String reference(String repositoryAndTag) {
        return host() + "/" + repositoryAndTag;
    }

    /** Every completed exchange, in the order the responses ended. */
    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    public void reset() {
        exchanges.clear();
    }

    public Totals totals() {
        int n = 0;
        long hu = 0, bu = 0, hd = 0, bd = 0;
        for (Exchange e : exchanges) {
            n++;
            hu += e.requestHead();
            bu += e.requestBody();
            hd += e.responseHead();
            bd += e.responseBody();
        }
        return new Totals(n, hu, bu, hd, bd);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                server.close();
            } catch (IOException e) {
                // Closing a listening socket; nothing to report.
            }
        }
    }

    private void accept() {
        while (!closed.get()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket upstream;
            try {
                upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
            } catch (IOException e) {
                quietly(client);
                continue;
            }
            new Connection(client, upstream).start();
        }
    }

    /** A request on its way: what the response needs to know, and what the request cost. */
    private record Sent(String method, String path, long head, long body) {
    }

    private final class Connection {
        private final Socket client;
        private final Socket upstream;
        private final LinkedBlockingQueue<Sent> pending = new LinkedBlockingQueue<>();
        /** Not HTTP (a TLS handshake, which an insecure-registry client tries first): relayed as it is, not counted. */
        private volatile boolean raw;

        Connection(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            daemon(this::requests, "proxy-up");
            daemon(this::responses, "proxy-down");
        }

        private void requests() {
            try (InputStream in = new BufferedInputStream(client.getInputStream(), 64 * 1024)) {
                OutputStream out = upstream.getOutputStream();
                in.mark(1);
                if (in.read() == 0x16) {
                    raw = true;
                    in.reset();
                    in.transferTo(out);
                    upstream.shutdownOutput();
                    return;
                }
                in.reset();
                while (true) {
                    byte[] head = readHead(in);
                    if (head == null) break;
                    Head h = Head.parse(head);
                    out.write(head);
                    long[] body = relayBody(in, out, h, false);
                    out.flush();
                    pending.put(new Sent(h.first[0], h.first.length > 1 ? h.first[1] : "", head.length + body[1], body[0]));
                }
                upstream.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                quietly(client);
                quietly(upstream);
            }
        }

        private void responses() {
            try (InputStream in = new BufferedInputStream(upstream.getInputStream(), 64 * 1024)) {
                OutputStream out = client.getOutputStream();
                long interim = 0;
                while (true) {
                    if (raw) {
                        in.transferTo(out);
                        break;
                    }
                    byte[] head = readHead(in);
                    if (head == null) break;
                    Head h = Head.parse(head);
                    out.write(head);
                    int status = Integer.parseInt(h.first[1]);
                    if (status >= 100 && status < 200) { // 100 Continue: the final response follows
                        out.flush();
                        interim += head.length;
                        continue;
                    }
                    Sent sent = pending.take();
                    boolean noBody = sent.method().equals("HEAD") || status == 204 || status == 304;
                    long[] body = noBody ? new long[2] : relayBody(in, out, h, true);
                    out.flush();
                    exchanges.add(new Exchange(sent.method(), sent.path(), status, sent.head(), sent.body(),
                            interim + head.length + body[1], body[0]));
                    interim = 0;
                }
                client.shutdownOutput();
            } catch (IOException | InterruptedException | RuntimeException e) {
                quietly(client);
                quietly(upstream);
            }
        }
    }

    /** A message head: the first line's words and the headers that frame a body. */
    private record Head(String[] first, long contentLength, boolean chunked) {
        static Head parse(byte[] bytes) {
            String[] lines = new String(bytes, StandardCharsets.ISO_8859_1).split("\r\n");
            long length = -1;
            boolean chunked = false;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon < 0) continue;
                String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).strip();
                if (name.equals("content-length")) length = Long.parseLong(value);
                if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) chunked = true;
            }
            return new Head(lines[0].split(" ", 3), length, chunked);
        }
    }

    /** The head of the next message, CRLF CRLF included; null at the end of the stream. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int window = 0; // the last four bytes read
        while (window != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) return null;
                throw new IOException("connection closed in a message head");
            }
            head.write(b);
            window = (window << 8) | b;
        }
        return head.toByteArray();
    }

    /**
     * Relays a body as its head frames it; returns {body bytes, framing bytes}. A response with neither a
     * length nor chunks runs to the end of the stream; a request with neither has no body.
     */
    private static long[] relayBody(InputStream in, OutputStream out, Head h, boolean response) throws IOException {
        if (h.chunked()) {
            long body = 0;
            long framing = 0;
            while (true) {
                byte[] line = readLine(in);
                out.write(line);
                framing += line.length;
                String size = new String(line, StandardCharsets.ISO_8859_1).strip();
                int semi = size.indexOf(';');
                long n = Long.parseLong(semi < 0 ? size : size.substring(0, semi), 16);
                if (n == 0) {
                    for (byte[] t = readLine(in); ; t = readLine(in)) { // trailers, then an empty line
                        out.write(t);
                        framing += t.length;
                        if (t.length <= 2) break;
                    }
                    return new long[]{body, framing};
                }
                copy(in, out, n);
                body += n;
                byte[] crlf = readLine(in);
                out.write(crlf);
                framing += crlf.length;
            }
        }
        if (h.contentLength() >= 0) {
            copy(in, out, h.contentLength());
            return new long[]{h.contentLength(), 0};
        }
        if (!response) return new long[2];
        long n = in.transferTo(out);
        return new long[]{n, 0};
    }

    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(16);
        for (int b = in.read(), last = -1; ; last = b, b = in.read()) {
            if (b < 0) throw new IOException("connection closed in chunk framing");
            line.write(b);
            if (last == '\r' && b == '\n') return line.toByteArray();
        }
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[64 * 1024];
        for (long left = n; left > 0; ) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) throw new IOException("connection closed " + left + " bytes before the end of a body");
            out.write(buf, 0, r);
            left -= r;
        }
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    /**
     * For scripts/bench-build: {@code CountingProxy LISTEN_PORT CONTROL_PORT TARGET_PORT} relays LISTEN_PORT
     * to the registry on TARGET_PORT; a client of CONTROL_PORT reads one line,
     * {@code REQUESTS HEADS_UP BODIES_UP HEADS_DOWN BODIES_DOWN}, the totals so far.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: CountingProxy LISTEN_PORT CONTROL_PORT TARGET_PORT");
            System.exit(64);
        }
        CountingProxy proxy = start(Integer.parseInt(args[0]), Integer.parseInt(args[2]));
        try (ServerSocket control = new ServerSocket(Integer.parseInt(args[1]), 50, InetAddress.getLoopbackAddress())) {
            System.out.println("relay listening on " + proxy.port());
            System.out.flush();
            while (true) {
                try (Socket s = control.accept(); OutputStream o = s.getOutputStream()) {
                    Totals t = proxy.totals();
                    o.write((t.requests() + " " + t.headsUp() + " " + t.bodiesUp() + " " + t.headsDown() + " "
                            + t.bodiesDown() + "\n").getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
    }
}
