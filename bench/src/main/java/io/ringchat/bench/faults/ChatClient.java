package io.ringchat.bench.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * One connection of the run's clients, from its connect to its close, as a program nobody here
 * wrote would speak to the broker: plain lines over TCP. It records what the checker needs: when
 * its WELCOME came, each {@code SEND <n>} it wrote and when, each {@code MSG} it read and when,
 * each {@code ERR unavailable} that refused a SEND, and how the connection ended.
 *
 * <p>Its own thread reads ({@link #joinAndRead}); the run's ticker thread sends ({@link #send});
 * the checker reads the record after both have stopped.
 */
final class ChatClient {
  /** How an {@code ERR unavailable} that closes the connection ends (the others refuse a SEND). */
  private static final String CLOSING_UNAVAILABLE = "connect again";

  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

  /** How long a JOIN may wait for its WELCOME (a paused broker answers when it resumes). */
  private static final int WELCOME_TIMEOUT_MILLIS = 30_000;

  final String name;
  final int broker;
  final ClientRecord record;
  private final Socket socket = new Socket();
  private OutputStream out;
  private volatile boolean welcomed;
  private volatile boolean endedByUs;
  private long nextSend = 1;

  ChatClient(String name, int broker, Names names) {
    this.name = name;
    this.broker = broker;
    this.record = new ClientRecord(names.id(name), broker, names);
  }

  /**
   * Connects, joins, and reads until the connection ends; returns then. Everything is recorded; a
   * connection that never got its WELCOME is recorded as never joined.
   */
  void joinAndRead(InetSocketAddress address) {
    try {
      socket.connect(address, CONNECT_TIMEOUT_MILLIS);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(WELCOME_TIMEOUT_MILLIS);
      out = socket.getOutputStream();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8), 16 * 1024);
      synchronized (this) {
        out.write(("JOIN " + name + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
      String line;
      while ((line = in.readLine()) != null) {
        if (!welcomed) {
          if (line.startsWith("WELCOME ")) {
            record.welcomed(System.nanoTime());
            welcomed = true;
            socket.setSoTimeout(0);
          } else if (line.startsWith("ERR ")) {
            record.ended(System.nanoTime(), line);
            return;
          }
          continue;
        }
        onLine(line);
      }
      record.ended(System.nanoTime(), endedByUs ? ClientRecord.ENDED_BY_US : "end of stream");
    } catch (SocketTimeoutException e) {
      record.ended(System.nanoTime(), "no WELCOME within " + WELCOME_TIMEOUT_MILLIS + " ms");
    } catch (IOException e) {
      record.ended(System.nanoTime(), endedByUs ? ClientRecord.ENDED_BY_US : e.toString());
    } finally {
      close();
    }
  }

  private void onLine(String line) {
    long now = System.nanoTime();
    if (line.startsWith("MSG ")) {
      int space = line.indexOf(' ', 4);
      if (space > 0) {
        try {
          record.got(line.substring(4, space), Long.parseLong(line.substring(space + 1)), now);
          return;
        } catch (NumberFormatException e) {
          // not one of the run's messages
        }
      }
      record.strange(line);
    } else if (line.startsWith("ERR unavailable")) {
      if (line.endsWith(CLOSING_UNAVAILABLE)) {
        record.closingError(line);
      } else {
        record.refused(now);
      }
    } else if (line.startsWith("ERR ")) {
      record.closingError(line);
    }
  }

  /** Whether {@link #send} would write now: joined, and not ended. */
  boolean canSend() {
    return welcomed && !record.hasEnded();
  }

  /** Sends the next numbered message (the ticker's thread). */
  synchronized void send() {
    if (!canSend()) {
      return;
    }
    long n = nextSend++;
    try {
      record.sent(n, System.nanoTime());
      out.write(("SEND " + n + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      // the reading thread records how the connection ended
    }
  }

  /** Sends {@code LEAVE}: the connection's window ends here, as the client chose. */
  synchronized void leave() {
    try {
      record.leaving(System.nanoTime());
      out.write("LEAVE\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException | RuntimeException e) {
      // it ends either way
    }
  }

  /** Ends the connection at the end of the run: not a drop. */
  void end() {
    endedByUs = true;
    close();
  }

  private void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closed
    }
  }
}
