package dev.strata.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.strata.serve.ServeFixture.DC1;
import static dev.strata.serve.ServeFixture.NEW;
import static org.assertj.core.api.Assertions.assertThat;

/** Graceful shutdown: 503 for new requests, in-flight ones finish, a running reconcile is waited for. */
class ShutdownTest {
    @TempDir
    Path dir;

    @Test
    void inFlightRequestsFinishNewOnesGet503AndARunningReconcileIsWaitedFor() throws Exception {
        ReconcileLoopTest.GatedTask task = new ReconcileLoopTest.GatedTask();
        task.release = new CountDownLatch(1);
        ReconcileLoop loop = new ReconcileLoop(task, Duration.ZERO, Duration.ZERO, Clock.systemUTC(), r -> { });
        try (ServeFixture f = ServeFixture.start(dir, c -> c, Optional.of(loop), Optional.empty())) {
            assertThat(task.entered.await(10, TimeUnit.SECONDS)).isTrue(); // a reconcile is running
            String token = f.token(DC1);
            byte[] body = MachineEndpointsHttpTest.bootcStatus(NEW).getBytes(StandardCharsets.UTF_8);
            int half = body.length / 2;
            try (RawHttp slow = new RawHttp(f.server.baseUri()); RawHttp idle = new RawHttp(f.server.baseUri())) {
                assertThat(idle.write(get("/healthz")).read().status()).isEqualTo(200); // a kept-alive connection
                // A status report whose body is half sent: in flight when the stop begins.
                slow.write("POST /v1/machines/" + DC1 + "/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                        + "\r\nContent-Length: " + body.length + "\r\n\r\n").write(java.util.Arrays.copyOf(body, half));
                awaitTrue(() -> f.server.inFlight() == 1);

                Thread stopper = new Thread(f.server::stop, "stopper");
                stopper.start();
                RawHttp.Response refused = awaitStatus(idle, 503);
                assertThat(refused.body()).contains("\"kind\":\"shutting_down\"");
                assertThat(refused.header("Connection")).isEqualTo("close");

                slow.write(java.util.Arrays.copyOfRange(body, half, body.length));
                RawHttp.Response finished = slow.read();
                assertThat(finished.status()).as(finished.body()).isEqualTo(200);
                assertThat(finished.body()).isEqualTo("{\"recorded\":true}");

                // The listener closes once nothing is in flight; the stop still waits for the reconcile.
                awaitTrue(() -> refusesConnections(f));
                stopper.join(300);
                assertThat(stopper.isAlive()).as("waiting for the running reconcile").isTrue();
                task.release.countDown();
                stopper.join(10_000);
                assertThat(stopper.isAlive()).isFalse();
            }
            assertThat(loop.last().orElseThrow().outcome().result()).isEqualTo(ReconcileOutcome.Result.OK);
            assertThat(f.store.machine(DC1).orElseThrow().booted()).contains(NEW);
            assertThat(f.internalErrors).isEmpty();
        }
    }

    @Test
    void aRequestThatNeverFinishesIsAbandonedAfterTheGracePeriod() throws Exception {
        try (ServeFixture f = ServeFixture.start(dir, c -> c.withShutdownGrace(Duration.ofMillis(500)), Optional.empty(),
                Optional.empty()); RawHttp stuck = new RawHttp(f.server.baseUri())) {
            stuck.write("POST /v1/machines/" + DC1 + "/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer x\r\n"
                    + "Content-Length: 1000\r\n\r\n{");
            awaitTrue(() -> f.server.inFlight() == 1);
            long t0 = System.nanoTime();
            f.server.stop();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
            assertThat(f.internalErrors).containsExactly("abandoned 1");
            assertThat(stuck.closedByServer()).isTrue();
        }
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    /** Asks again on the kept-alive connection until the stop has begun. */
    private static RawHttp.Response awaitStatus(RawHttp connection, int status) throws Exception {
        for (int i = 0; i < 500; i++) {
            RawHttp.Response r = connection.write(get("/healthz")).read();
            if (r.status() == status) return r;
            Thread.sleep(10);
        }
        throw new AssertionError("never answered " + status);
    }

    private static boolean refusesConnections(ServeFixture f) {
        try (Socket s = new Socket(f.server.baseUri().getHost(), f.server.baseUri().getPort())) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    static void awaitTrue(Condition c) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!c.holds()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not reached in 20 s");
            Thread.sleep(10);
        }
    }
}
