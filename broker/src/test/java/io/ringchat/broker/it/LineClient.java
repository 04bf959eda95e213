package io.ringchat.broker.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain blocking TCP client speaking the line protocol, as a person with {@code nc} or a program
 * nobody here wrote would. Reads time out, so a test that expects a line fails instead of hanging.
 */
final class LineClient implements AutoCloseable {
  private static final int READ_TIMEOUT_MILLIS = 10_000;

  final Socket socket;
  private final BufferedReader in;
  private final OutputStream out;

  LineClient(InetSocketAddress address) throws IOException {
    this(address, 0);
  }

  /**
   * As above; {@code receiveBuffer} above 0 sets the socket's receive buffer before it connects (a
   * small one makes a client that does not read fall behind soon).
   */
  LineClient(InetSocketAddress address, int receiveBuffer) throws IOException {
    socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(address, READ_TIMEOUT_MILLIS);
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    socket.setTcpNoDelay(true);
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    out = socket.getOutputStream();
  }

  /** Connects and joins as {@code name}, expecting the WELCOME. */
  static LineClient joined(InetSocketAddress address, String name) throws IOException {
    LineClient client = new LineClient(address);
    client.send("JOIN " + name);
    String welcome = client.readLine();
    if (welcome == null || !welcome.startsWith("WELCOME " + name + " ")) {
      client.close();
      throw new IOException("expected WELCOME for " + name + ", got " + welcome);
    }
    return client;
  }

  LineClient send(String line) throws IOException {
    return sendRaw((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Sends {@code SEND 0} to {@code SEND <count - 1>} in one write. */
  LineClient sendNumbered(int count) throws IOException {
    StringBuilder burst = new StringBuilder(count * 10);
    for (int i = 0; i < count; i++) {
      burst.append("SEND ").append(i).append('\n');
    }
    return sendRaw(burst.toString().getBytes(StandardCharsets.UTF_8));
  }

  LineClient sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** The next line, or null at end of stream. */
  String readLine() throws IOException {
    return in.readLine();
  }

  /** Reads lines until one starts with {@code prefix}; returns it (null at end of stream). */
  String readUntil(String prefix) throws IOException {
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    return null;
  }

  /** Reads {@code count} lines. */
  List<String> readLines(int count) throws IOException {
    List<String> lines = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String line = in.readLine();
      if (line == null) {
        throw new IOException("end of stream after " + i + " of " + count + " lines: " + lines);
      }
      lines.add(line);
    }
    return lines;
  }

  /** Whether the broker closed the connection: end of stream (after any pending lines). */
  boolean isClosedByPeer() throws IOException {
    try {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        // skip whatever was still in flight
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  /** Pings with a token and waits for its PONG: everything sent before has been handled. */
  List<String> sync(String token) throws IOException {
    send("PING " + token);
    List<String> before = new ArrayList<>();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.equals("PONG " + token)) {
        return before;
      }
      before.add(line);
    }
    throw new IOException("connection closed before PONG " + token);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
