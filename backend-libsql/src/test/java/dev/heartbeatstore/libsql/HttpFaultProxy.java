package dev.heartbeatstore.libsql;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP/1.1 proxy on a loopback port, in front of a real sqld, that misbehaves on demand:
 * never answers, swallows sqld's answer, cuts the response body short, answers a status of its own or a body of
 * hundreds of megabytes (streamed, never held in memory), refuses requests that carry a marker, hides {@code /v3}.
 * Every request it sees is recorded (path and Authorization header).
 */
final class HttpFaultProxy implements AutoCloseable {

  enum Mode {
    /** Forward to sqld and pass the answer back unchanged. */
    FORWARD,
    /** Accept the request and never answer. */
    HANG,
    /** Forward, then send only half of the body and close the connection (Content-Length unchanged). */
    CUT_CONNECTION,
    /** Forward, then send a well-formed HTTP response whose body is the first half of sqld's JSON. */
    CUT_JSON,
    /** Forward, then send the headers and half of the body, and keep the connection open without another byte. */
    STALL_BODY,
    /** Answer {@link #status} with a plain-text body, without forwarding. */
    STATUS,
    /** Forward to sqld (which runs the request), then never answer: a response lost on the way back. */
    SWALLOW,
    /** Answer 200 with a body of {@link #hugeBody} bytes that starts like a pipeline result, without forwarding. */
    HUGE_BODY,
    /** Answer 200 with the JSON {@link #body(String)}, without forwarding. */
    BODY,
  }

  /** One request as the proxy saw it. */
  record Seen(String path, String authorization, String body) {}

  private final URI upstream;
  private final ServerSocket server;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Socket> sockets = new ArrayList<>();
  private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile Mode mode = Mode.FORWARD;
  private volatile int status = 503;
  /** How many requests the current non-forward mode applies to before it falls back to FORWARD; -1: all. */
  private final AtomicInteger remaining = new AtomicInteger(-1);
  private volatile boolean hideV3;
  private volatile String requiredAuthorization;
  private volatile Duration delay = Duration.ZERO;
  private volatile String refusedMarker;
  private volatile long hugeBodyBytes;
  private volatile boolean hugeBodyDeclared;
  private volatile String body = "{}";
  private volatile String retryAfter;

  HttpFaultProxy(String upstreamUrl) throws IOException {
    this.upstream = URI.create(upstreamUrl);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** Applies {@code mode} to every following request. */
  HttpFaultProxy mode(Mode mode) {
    this.remaining.set(-1);
    this.mode = mode;
    return this;
  }

  /** Applies {@code mode} to the next {@code count} requests, then forwards again. */
  HttpFaultProxy mode(Mode mode, int count) {
    this.remaining.set(count);
    this.mode = mode;
    return this;
  }

  HttpFaultProxy status(int status) {
    this.status = status;
    return this;
  }

  /** The JSON that {@link Mode#BODY} answers. */
  HttpFaultProxy body(String json) {
    this.body = json;
    return this;
  }

  /** The {@code Retry-After} header of {@link Mode#STATUS} answers; null: none. */
  HttpFaultProxy retryAfter(String value) {
    this.retryAfter = value;
    return this;
  }

  /** Answers 404 to {@code /v3/...}, as a server that only speaks Hrana 2 would. */
  HttpFaultProxy hideV3(boolean hide) {
    this.hideV3 = hide;
    return this;
  }

  /** Answers 401 unless the Authorization header is exactly this. */
  HttpFaultProxy requireAuthorization(String authorization) {
    this.requiredAuthorization = authorization;
    return this;
  }

  /**
   * Answers 400 to any request whose body contains {@code marker}, with sqld's words for a body it cannot read; others
   * are forwarded. {@code null} turns it off.
   */
  HttpFaultProxy refuseBodiesContaining(String marker) {
    this.refusedMarker = marker;
    return this;
  }

  /** The size of the body {@link Mode#HUGE_BODY} sends, and whether its {@code Content-Length} says so up front (else chunked). */
  HttpFaultProxy hugeBody(long bytes, boolean declareLength) {
    this.hugeBodyBytes = bytes;
    this.hugeBodyDeclared = declareLength;
    return this;
  }

  /** Holds every forwarded request this long (to see concurrency). */
  HttpFaultProxy delay(Duration delay) {
    this.delay = delay;
    return this;
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** Forgets the requests seen so far and the highest concurrency measured. */
  void clearSeen() {
    seen.clear();
    maxInFlight.set(0);
  }

  int maxInFlight() {
    return maxInFlight.get();
  }

  @Override
  public void close() throws IOException {
    closing.countDown();
    server.close();
    synchronized (sockets) {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        synchronized (sockets) {
          sockets.add(socket);
        }
        Thread t = new Thread(() -> serve(socket), "fault-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private Mode nextMode() {
    Mode m = mode;
    if (m == Mode.FORWARD) {
      return m;
    }
    int left = remaining.get();
    if (left == -1) {
      return m;
    }
    if (left > 0 && remaining.compareAndSet(left, left - 1)) {
      return m;
    }
    return Mode.FORWARD;
  }

  private void serve(Socket socket) {
    try (socket; InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream()) {
      while (true) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        String[] lines = head.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        String method = requestLine[0];
        String path = requestLine[1];
        int length = 0;
        String authorization = null;
        for (int i = 1; i < lines.length; i++) {
          int colon = lines[i].indexOf(':');
          if (colon < 0) {
            continue;
          }
          String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
          String value = lines[i].substring(colon + 1).trim();
          if (name.equals("content-length")) {
            length = Integer.parseInt(value);
          } else if (name.equals("authorization")) {
            authorization = value;
          }
        }
        byte[] body = in.readNBytes(length);
        seen.add(new Seen(path, authorization, new String(body, StandardCharsets.UTF_8)));
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        // A request is in flight until its answer starts: the client may send the next one as soon as it has read
        // this answer, before this thread gets to run again.
        java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
        Runnable answered = () -> {
          if (open.getAndSet(false)) {
            inFlight.decrementAndGet();
          }
        };
        OutputStream answering = new java.io.FilterOutputStream(out) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            answered.run();
            out.write(b, off, len);
          }

          @Override
          public void write(int b) throws IOException {
            answered.run();
            out.write(b);
          }
        };
        try {
          if (!answer(answering, method, path, authorization, body)) {
            return;
          }
        } finally {
          answered.run();
        }
      }
    } catch (IOException | InterruptedException e) {
      // the client went away or the proxy closed: nothing to do
    }
  }

  /** Returns false when the connection must be closed. */
  private boolean answer(OutputStream out, String method, String path, String authorization, byte[] body)
      throws IOException, InterruptedException {
    String required = requiredAuthorization;
    if (required != null && !required.equals(authorization)) {
      respond(out, 401, "text/plain", "Unauthorized".getBytes(StandardCharsets.UTF_8));
      return true;
    }
    if (hideV3 && path.startsWith("/v3")) {
      respond(out, 404, "text/plain", new byte[0]);
      return true;
    }
    String marker = refusedMarker;
    if (marker != null && new String(body, StandardCharsets.UTF_8).contains(marker)) {
      respond(out, 400, "text/plain",
          "JSON deserialization error: unexpected end of hex escape at line 1 column 200".getBytes(StandardCharsets.UTF_8));
      return true;
    }
    Mode m = nextMode();
    switch (m) {
      case HANG:
        closing.await(); // until the proxy closes: no thread outlives it
        return false;
      case STATUS:
        String extra = retryAfter == null ? "" : "Retry-After: " + retryAfter + "\r\n";
        respond(out, status, extra + "Content-Type: text/plain", ("proxy says " + status).getBytes(StandardCharsets.UTF_8));
        return true;
      case BODY:
        respond(out, 200, "Content-Type: application/json", this.body.getBytes(StandardCharsets.UTF_8));
        return true;
      case HUGE_BODY:
        streamHugeBody(out);
        return false;
      default:
        break;
    }
    if (!delay.isZero()) {
      Thread.sleep(delay.toMillis());
    }
    HttpRequest.Builder forward = HttpRequest.newBuilder(upstream.resolve(path))
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Content-Type", "application/json");
    if (authorization != null) {
      forward.header("Authorization", authorization);
    }
    HttpResponse<byte[]> response = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (m == Mode.SWALLOW) {
      closing.await(); // until the proxy closes: no thread outlives it
      return false;
    }
    byte[] answer = response.body();
    String type = response.headers().firstValue("content-type").orElse("application/json");
    if (m == Mode.CUT_CONNECTION || m == Mode.STALL_BODY) {
      String headers = "HTTP/1.1 " + response.statusCode() + " X\r\nContent-Type: " + type
          + "\r\nContent-Length: " + answer.length + "\r\n\r\n";
      out.write(headers.getBytes(StandardCharsets.US_ASCII));
      out.write(answer, 0, answer.length / 2);
      out.flush();
      if (m == Mode.STALL_BODY) {
        closing.await(); // until the proxy closes: no thread outlives it
      }
      return false;
    }
    if (m == Mode.CUT_JSON) {
      byte[] half = new byte[answer.length / 2];
      System.arraycopy(answer, 0, half, 0, half.length);
      respond(out, response.statusCode(), type, half);
      return true;
    }
    respond(out, response.statusCode(), type, answer);
    return true;
  }

  /** A pipeline response that never ends its rows: {@link #hugeBodyBytes} bytes, written 64 kB at a time. */
  private void streamHugeBody(OutputStream out) throws IOException {
    long size = hugeBodyBytes;
    boolean declared = hugeBodyDeclared;
    String headers = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + (declared ? "Content-Length: " + size : "Transfer-Encoding: chunked") + "\r\n\r\n";
    out.write(headers.getBytes(StandardCharsets.US_ASCII));
    byte[] chunk = new byte[64 * 1024];
    byte[] start = ("{\"baton\":null,\"base_url\":null,\"results\":[{\"type\":\"ok\",\"response\":{\"type\":\"execute\","
        + "\"result\":{\"cols\":[],\"rows\":[").getBytes(StandardCharsets.US_ASCII);
    byte[] row = "[{\"type\":\"text\",\"value\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}],"
        .getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < chunk.length; i++) {
      chunk[i] = row[i % row.length];
    }
    System.arraycopy(start, 0, chunk, 0, start.length);
    for (long sent = 0; sent < size; ) {
      int n = (int) Math.min(chunk.length, size - sent);
      if (!declared) {
        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      }
      out.write(chunk, 0, n);
      if (!declared) {
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      sent += n;
      if (sent == n) {
        for (int i = 0; i < start.length; i++) {
          chunk[i] = row[i % row.length]; // the start only once
        }
      }
    }
    if (!declared) {
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.flush();
  }

  private static void respond(OutputStream out, int status, String type, byte[] body) throws IOException {
    // type: a content type, or header lines ending with one ("Retry-After: 1\r\nContent-Type: text/plain")
    String headers = "HTTP/1.1 " + status + " X\r\n" + (type.contains(":") ? type : "Content-Type: " + type)
        + "\r\nContent-Length: " + body.length + "\r\n\r\n";
    out.write(headers.getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
          ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        String s = head.toString(StandardCharsets.US_ASCII);
        return s.substring(0, s.length() - 4);
      }
    }
  }
}
