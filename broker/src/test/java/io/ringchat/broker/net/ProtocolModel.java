package io.ringchat.broker.net;

import io.netty.buffer.Unpooled;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.Name;
import io.ringchat.protocol.Names;
import io.ringchat.protocol.Text;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * PROTOCOL.md as a small, slow, obvious program: what each connection must receive for the bytes
 * its client sent, written straight from the text of the protocol and docs/PROTOCOL.md's decisions,
 * sharing nothing with the broker but the name and text validators (proved on their own against
 * independent oracles). Error lines are compared by code; the order of MEMBER lines is free.
 */
final class ProtocolModel {
  private static final String[] HTTP = {
    "GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "CONNECT ", "PATCH ", "TRACE ", "PRI "
  };

  private final int maxLine;
  private final int presenceLimit;
  private final Conn[] conns;
  private final List<Conn> members = new ArrayList<>();

  private static final class Conn {
    final ByteArrayOutputStream line = new ByteArrayOutputStream();
    final List<String> expected = new ArrayList<>();
    boolean discarding;
    boolean sawLine;
    boolean inputDone;
    boolean open = true;
    Name name;
  }

  ProtocolModel(int connections, int maxLine, int presenceLimit) {
    this.maxLine = maxLine;
    this.presenceLimit = presenceLimit;
    this.conns = new Conn[connections];
    for (int i = 0; i < connections; i++) {
      conns[i] = new Conn();
    }
  }

  List<String> expected(int connection) {
    return conns[connection].expected;
  }

  /** The client of {@code connection} sent {@code bytes}. */
  void write(int connection, byte[] bytes) {
    Conn c = conns[connection];
    if (!c.open) {
      return;
    }
    for (byte b : bytes) {
      if (b == '\n') {
        byte[] line = c.line.toByteArray();
        c.line.reset();
        if (c.discarding) {
          c.discarding = false;
          continue;
        }
        if (line.length > 0 && line[line.length - 1] == '\r') {
          line = Arrays.copyOf(line, line.length - 1);
        }
        if (line.length > maxLine) {
          tooLong(c);
        } else if (line.length > 0) {
          line(c, line);
        }
        continue;
      }
      if (c.discarding) {
        continue;
      }
      c.line.write(b);
      int n = c.line.size();
      // Too long as soon as it is known: past limit + 1, or limit + 1 not ending in CR.
      if (n > maxLine + 1 || (n == maxLine + 1 && b != '\r')) {
        c.line.reset();
        c.discarding = true;
        tooLong(c);
      }
    }
  }

  /**
   * The client of {@code connection} stopped reading until the broker held more than --max-pending
   * for it: it gets {@code ERR slow_consumer} and is closed, and the others see it leave.
   */
  void stopReading(int connection) {
    Conn c = conns[connection];
    if (c.open) {
      err(c, ErrorCode.SLOW_CONSUMER);
      close(c);
    }
  }

  /** The client of {@code connection} dropped it. */
  void disconnect(int connection) {
    Conn c = conns[connection];
    if (c.open) {
      close(c);
    }
  }

  private void tooLong(Conn c) {
    if (!c.inputDone) {
      c.sawLine = true;
      err(c, ErrorCode.TOO_LONG);
    }
  }

  private void line(Conn c, byte[] bytes) {
    if (c.inputDone) {
      return;
    }
    String ascii = new String(bytes, StandardCharsets.ISO_8859_1);
    if (!c.sawLine) {
      c.sawLine = true;
      for (String method : HTTP) {
        if (ascii.startsWith(method)) {
          c.inputDone = true;
          err(c, ErrorCode.BAD_COMMAND);
          close(c);
          return;
        }
      }
    }
    int space = ascii.indexOf(' ');
    String word = space < 0 ? ascii : ascii.substring(0, space);
    byte[] arg =
        space < 0 || space == bytes.length - 1
            ? null
            : Arrays.copyOfRange(bytes, space + 1, bytes.length);
    String command = asciiUpper(word);
    switch (command) {
      case "JOIN" -> join(c, arg);
      case "SEND" -> send(c, arg);
      case "WHO" -> who(c);
      case "PING" -> ping(c, arg);
      case "LEAVE" -> leave(c);
      default -> err(c, ErrorCode.BAD_COMMAND);
    }
  }

  private void join(Conn c, byte[] arg) {
    if (arg == null) {
      err(c, ErrorCode.BAD_COMMAND);
      return;
    }
    Names.Result result = Names.parse(Unpooled.wrappedBuffer(arg));
    if (result.error() != null) {
      err(c, result.error());
      return;
    }
    if (c.name != null) {
      err(c, ErrorCode.ALREADY_JOINED);
      return;
    }
    for (Conn m : members) {
      if (m.name.key().equals(result.name().key())) {
        err(c, ErrorCode.NAME_TAKEN);
        return;
      }
    }
    c.name = result.name();
    members.add(c);
    c.expected.add("WELCOME " + c.name.display() + " " + members.size());
    if (members.size() <= presenceLimit) {
      toOthers(c, "JOINED " + c.name.display());
    }
  }

  private void send(Conn c, byte[] arg) {
    if (arg == null) {
      err(c, ErrorCode.BAD_COMMAND);
    } else if (!Text.isValid(Unpooled.wrappedBuffer(arg))) {
      err(c, ErrorCode.BAD_TEXT);
    } else if (c.name == null) {
      err(c, ErrorCode.NOT_JOINED);
    } else {
      toOthers(c, "MSG " + c.name.display() + " " + new String(arg, StandardCharsets.UTF_8));
    }
  }

  private void who(Conn c) {
    if (c.name == null) {
      err(c, ErrorCode.NOT_JOINED);
      return;
    }
    for (Conn m : members) {
      c.expected.add("MEMBER " + m.name.display());
    }
    c.expected.add("MEMBERS " + members.size());
  }

  private void ping(Conn c, byte[] arg) {
    if (arg == null) {
      c.expected.add("PONG");
    } else if (!Text.isValid(Unpooled.wrappedBuffer(arg))) {
      err(c, ErrorCode.BAD_TEXT);
    } else {
      c.expected.add("PONG " + new String(arg, StandardCharsets.UTF_8));
    }
  }

  private void leave(Conn c) {
    c.inputDone = true;
    removeMember(c);
    c.expected.add("BYE");
    c.open = false;
  }

  private void close(Conn c) {
    c.inputDone = true;
    c.open = false;
    removeMember(c);
  }

  private void removeMember(Conn c) {
    if (c.name == null || !members.contains(c)) {
      return;
    }
    int before = members.size();
    members.remove(c);
    if (before <= presenceLimit) {
      toOthers(c, "LEFT " + c.name.display());
    }
  }

  private void toOthers(Conn from, String line) {
    for (Conn m : members) {
      if (m != from) {
        m.expected.add(line);
      }
    }
  }

  private static void err(Conn c, ErrorCode code) {
    c.expected.add("ERR " + code.wireName());
  }

  private static String asciiUpper(String word) {
    StringBuilder sb = new StringBuilder(word.length());
    for (int i = 0; i < word.length(); i++) {
      char ch = word.charAt(i);
      sb.append(ch >= 'a' && ch <= 'z' ? (char) (ch - 32) : ch);
    }
    return sb.toString();
  }

  /** Actual frames in the model's terms: ERR by code only, each run of MEMBER lines sorted. */
  static List<String> normalise(List<String> lines) {
    List<String> out = new ArrayList<>();
    List<String> run = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("MEMBER ")) {
        run.add(line);
        continue;
      }
      run.sort(null);
      out.addAll(run);
      run.clear();
      if (line.startsWith("ERR ")) {
        int end = line.indexOf(' ', 4);
        out.add(end < 0 ? line : line.substring(0, end));
      } else {
        out.add(line);
      }
    }
    run.sort(null);
    out.addAll(run);
    return out;
  }
}
