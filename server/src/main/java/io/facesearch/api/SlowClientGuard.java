package io.facesearch.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts clients that send a request too slowly: a header line every few seconds, or a body trickling in a byte at a
 * time. Jetty's idle timeout alone never fires on them, since every byte resets it, and a body read holds a
 * request thread the whole time.
 *
 * <p>Once a second, every HTTP/1 connection that is in the middle of receiving a request (its parser is past the
 * start and before the end) <em>and waiting for the client</em> (fill-interested: the server is not the one that is
 * slow) accumulates waiting time and the bytes that arrived meanwhile. A connection is answered {@code 408} (with
 * {@code Connection: close}) and closed when, after {@link Limits#grace()} of waiting, it has delivered less than
 * {@link Limits#minBytesPerSecond()} on average over its waiting time, or when its request headers have taken longer
 * than {@link Limits#headerTimeout()} in all. A request thread blocked on such a body then fails its read and
 * returns. Legitimate slow uploads are far above the rate: 5 MB over a 100 kbit/s line is 12 KB/s.
 */
final class SlowClientGuard extends AbstractLifeCycle {

  private static final Logger LOG = LoggerFactory.getLogger(SlowClientGuard.class);

  /** The thresholds; {@link #DEFAULTS} cut the trickling clients in about 10 s. */
  record Limits(Duration grace, long minBytesPerSecond, Duration headerTimeout) {
    static final Limits DEFAULTS = new Limits(Duration.ofSeconds(10), 1024, Duration.ofSeconds(20));
  }

  private static final byte[] TIMEOUT_ANSWER;

  static {
    byte[] body =
        "{\"detail\":\"Request timeout: the request was sent too slowly.\"}"
            .getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + "Content-Length: "
            + body.length
            + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
    TIMEOUT_ANSWER = new byte[h.length + body.length];
    System.arraycopy(h, 0, TIMEOUT_ANSWER, 0, h.length);
    System.arraycopy(body, 0, TIMEOUT_ANSWER, h.length, body.length);
  }

  /** What is known of the request a connection is receiving. */
  private static final class Progress {
    final long startNanos;
    final long bytesAtStart;
    long waitingTicks;
    long bytesWhileWaiting;
    long lastBytes;

    Progress(long now, long bytes) {
      startNanos = now;
      bytesAtStart = bytes;
      lastBytes = bytes;
    }
  }

  private final Server server;
  private final Limits limits;
  private final Duration tick;
  private final Map<EndPoint, Progress> receiving = new HashMap<>();
  private ScheduledExecutorService timer;

  SlowClientGuard(Server server, Limits limits, Duration tick) {
    this.server = server;
    this.limits = limits;
    this.tick = tick;
  }

  @Override
  protected void doStart() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("slow-client-guard").factory());
    long ms = tick.toMillis();
    timer.scheduleWithFixedDelay(this::check, ms, ms, TimeUnit.MILLISECONDS);
  }

  @Override
  protected void doStop() {
    timer.shutdownNow();
  }

  private void check() {
    try {
      long now = System.nanoTime();
      Set<EndPoint> seen = new HashSet<>();
      for (Connector connector : server.getConnectors()) {
        if (!(connector instanceof AbstractConnector c)) {
          continue;
        }
        for (EndPoint endPoint : c.getConnectedEndPoints()) {
          if (endPoint.getConnection() instanceof HttpConnection http) {
            seen.add(endPoint);
            inspect(endPoint, http, now);
          }
        }
      }
      receiving.keySet().retainAll(seen);
    } catch (RuntimeException e) {
      LOG.warn("slow client check failed: {}", e.toString());
    }
  }

  private void inspect(EndPoint endPoint, HttpConnection http, long now) {
    HttpParser.State state = http.getParser().getState();
    boolean midRequest =
        state != HttpParser.State.START && state.ordinal() < HttpParser.State.CONTENT_END.ordinal();
    if (!midRequest || !endPoint.isOpen()) {
      receiving.remove(endPoint);
      return;
    }
    long bytes = http.getBytesIn();
    Progress p = receiving.computeIfAbsent(endPoint, e -> new Progress(now, bytes));
    if (http.isFillInterested()) { // waiting for the client, not for the application to read
      p.waitingTicks++;
      p.bytesWhileWaiting += bytes - p.lastBytes;
    }
    p.lastBytes = bytes;
    double waited = p.waitingTicks * (tick.toNanos() / 1e9);
    boolean inHeaders = state.ordinal() < HttpParser.State.CONTENT.ordinal();
    boolean tooSlow =
        waited >= limits.grace().toSeconds()
            && p.bytesWhileWaiting < limits.minBytesPerSecond() * waited;
    boolean headersTooLong = inHeaders && now - p.startNanos > limits.headerTimeout().toNanos();
    if (tooSlow || headersTooLong) {
      receiving.remove(endPoint);
      LOG.info(
          "cut a slow client after {} s ({} bytes while waiting, {})",
          Math.round(waited),
          p.bytesWhileWaiting,
          inHeaders ? "headers" : "body");
      cut(endPoint);
    }
  }

  private static void cut(EndPoint endPoint) {
    try {
      endPoint.write(
          Callback.from(endPoint::close, x -> endPoint.close()), ByteBuffer.wrap(TIMEOUT_ANSWER));
    } catch (RuntimeException writePending) {
      endPoint.close();
    }
  }
}
