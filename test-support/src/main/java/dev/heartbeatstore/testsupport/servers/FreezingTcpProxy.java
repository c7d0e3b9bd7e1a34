package dev.heartbeatstore.testsupport.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 that can freeze: while frozen it keeps every connection open and forwards
 * nothing, as a server that stopped answering would. Put between the service and one database, it
 * makes that database unreachable for the service only, while the operator's tools reach it directly.
 */
public final class FreezingTcpProxy implements AutoCloseable {

  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object gate = new Object();
  private boolean frozen;

  /**
   * Listens on a free port of 127.0.0.1 and forwards each connection to the target, thawed.
   *
   * @param targetHost the server's host
   * @param targetPort the server's port
   * @throws IOException when no port can be bound
   */
  public FreezingTcpProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread acceptor = new Thread(this::accept, "freezing-proxy-accept-" + port());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * The port to connect to instead of the target's.
   *
   * @return the proxy's port on 127.0.0.1
   */
  public int port() {
    return server.getLocalPort();
  }

  /** Stops forwarding, in both directions, on every connection; they stay open. New connections are accepted. */
  public void freeze() {
    synchronized (gate) {
      frozen = true;
    }
  }

  /** Forwards again, beginning with what was held back while frozen. */
  public void thaw() {

    synchronized (gate) {
      frozen = false;
      gate.notifyAll();
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(targetHost, targetPort);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        if (server.isClosed()) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          waitWhileFrozen();
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // one side closed: close both
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        sockets.remove(from);
        sockets.remove(to);
      }
    }, "freezing-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private void waitWhileFrozen() throws InterruptedException {
    synchronized (gate) {
      while (frozen) {
        gate.wait();
      }
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    thaw();
    server.close();
    sockets.forEach(FreezingTcpProxy::closeQuietly);
  }
}
