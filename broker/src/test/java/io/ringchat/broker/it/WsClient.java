package io.ringchat.broker.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Locale;
import java.util.Random;

/**
 * A WebSocket client written from RFC 6455 on a plain socket, as a program nobody here wrote would
 * speak it: it can send what a browser never would (binary frames, a line with an LF inside,
 * invalid UTF-8) and checks what the broker sends (each text frame whole lines ending in LF). Reads
 * time out, so a test that expects a line fails instead of hanging.
 */
final class WsClient implements AutoCloseable {
  private static final int READ_TIMEOUT_MILLIS = 10_000;

  final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final Random random = new Random(42);
  private final ArrayDeque<String> lines = new ArrayDeque<>();

  /** The status of the close frame the broker sent, or -1 while none came. */
  private int closeStatus = -1;

  private WsClient(Socket socket, DataInputStream in) throws IOException {
    this.socket = socket;
    this.in = in;
    this.out = socket.getOutputStream();
  }

  /** Opens {@code /ws}, expecting 101; {@code origin} null sends no Origin header. */
  static WsClient open(InetSocketAddress http, String origin) throws IOException {
    Socket socket = new Socket();
    socket.connect(http, READ_TIMEOUT_MILLIS);
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    socket.setTcpNoDelay(true);
    DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    String status = handshake(socket, in, http, origin);
    if (!status.startsWith("HTTP/1.1 101")) {
      socket.close();
      throw new IOException("expected 101, got " + status);
    }
    return new WsClient(socket, in);
  }

  /** Opens {@code /ws} and joins as {@code name}, expecting the WELCOME. */
  static WsClient joined(InetSocketAddress http, String name) throws IOException {
    WsClient client = open(http, null);
    client.send("JOIN " + name);
    String welcome = client.readLine();
    if (welcome == null || !welcome.startsWith("WELCOME " + name + " ")) {
      client.close();
      throw new IOException("expected WELCOME for " + name + ", got " + welcome);
    }
    return client;
  }

  /** The status line the broker answers a WebSocket request with (then the socket is closed). */
  static String statusOf(InetSocketAddress http, String origin) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(http, READ_TIMEOUT_MILLIS);
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      return handshake(socket, in, http, origin);
    }
  }

  private static String handshake(
      Socket socket, DataInputStream in, InetSocketAddress http, String origin) throws IOException {
    byte[] nonce = new byte[16];
    new Random().nextBytes(nonce);
    String request =
        "GET /ws HTTP/1.1\r\n"
            + "Host: 127.0.0.1:"
            + http.getPort()
            + "\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Key: "
            + Base64.getEncoder().encodeToString(nonce)
            + "\r\n"
            + (origin == null ? "" : "Origin: " + origin + "\r\n")
            + "\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    String status = headerLine(in);
    int length = 0;
    for (String header = headerLine(in); !header.isEmpty(); header = headerLine(in)) {
      if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(header.substring(15).trim());
      }
    }
    in.skipNBytes(status.startsWith("HTTP/1.1 101") ? 0 : length);
    return status;
  }

  private static String headerLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new EOFException("the broker closed during the handshake");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  WsClient send(String line) throws IOException {
    return sendText(line.getBytes(StandardCharsets.UTF_8));
  }

  WsClient sendText(byte[] payload) throws IOException {
    return sendFrame(0x1, payload);
  }

  WsClient sendBinary(byte[] payload) throws IOException {
    return sendFrame(0x2, payload);
  }

  /** One text message in several frames: a text frame, then continuations, the last final. */
  WsClient sendFragments(String... parts) throws IOException {
    for (int i = 0; i < parts.length; i++) {
      boolean last = i == parts.length - 1;
      sendFrame(i == 0 ? 0x1 : 0x0, parts[i].getBytes(StandardCharsets.UTF_8), last);
    }
    return this;
  }

  /** One final, masked frame. */
  WsClient sendFrame(int opcode, byte[] payload) throws IOException {
    return sendFrame(opcode, payload, true);
  }

  /** One masked frame, final or not. */
  WsClient sendFrame(int opcode, byte[] payload, boolean last) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write((last ? 0x80 : 0) | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65_536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >>> shift));
      }
    }
    byte[] mask = new byte[4];
    random.nextBytes(mask);
    frame.write(mask, 0, 4);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i & 3]);
    }
    out.write(frame.toByteArray());
    out.flush();
    return this;
  }

  /**
   * The next line from the broker, or null once it sent a close frame or closed the socket. Fails
   * if a text frame does not end in LF (the broker sends whole lines only).
   */
  String readLine() throws IOException {
    while (lines.isEmpty()) {
      if (!readFrame()) {
        return null;
      }
    }
    return lines.poll();
  }

  /** Reads one frame; false at a close frame or the end of the stream. */
  private boolean readFrame() throws IOException {
    int b0 = in.read();
    if (b0 < 0) {
      return false;
    }
    int b1 = in.readUnsignedByte();
    long length = b1 & 0x7f;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    if ((b1 & 0x80) != 0) {
      throw new IOException("the broker masked a frame");
    }
    byte[] payload = in.readNBytes((int) length);
    int opcode = b0 & 0x0f;
    switch (opcode) {
      case 0x1 -> {
        if ((b0 & 0x80) == 0) {
          throw new IOException("the broker fragmented a text frame");
        }
        String text = new String(payload, StandardCharsets.UTF_8);
        if (!text.endsWith("\n")) {
          throw new IOException("a text frame that is not whole lines: " + text);
        }
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
          lines.add(line);
        }
        return true;
      }
      case 0x8 -> {
        closeStatus = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        return false;
      }
      case 0x9 -> {
        sendFrame(0xA, payload);
        return true;
      }
      default -> {
        return true; // a pong
      }
    }
  }

  /** The close frame's status once one came (read lines until null first), else -1. */
  int closeStatus() {
    return closeStatus;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
