package io.ringchat.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/**
 * Encodes server-to-client frames, each ending in LF. The {@code write} methods append to a buffer
 * the caller owns, so that a frame is built once and shared by every recipient, or several frames
 * are packed back to back; the {@code encode} methods allocate a buffer for one frame.
 *
 * <p>Names are passed as their UTF-8 bytes, encoded once when the member joins. Stateless: any
 * thread may call these.
 */
public final class ServerFrames {
  private static final byte SP = ' ';
  private static final byte LF = '\n';
  private static final byte[] WELCOME = ServerFrame.Type.WELCOME.wordAndSpace();
  private static final byte[] JOINED = ServerFrame.Type.JOINED.wordAndSpace();
  private static final byte[] LEFT = ServerFrame.Type.LEFT.wordAndSpace();
  private static final byte[] MSG = ServerFrame.Type.MSG.wordAndSpace();
  private static final byte[] MEMBER = ServerFrame.Type.MEMBER.wordAndSpace();
  private static final byte[] MEMBERS = ServerFrame.Type.MEMBERS.wordAndSpace();
  private static final byte[] PONG = ascii(ServerFrame.Type.PONG.word());
  private static final byte[] BYE = ascii(ServerFrame.Type.BYE.word() + "\n");
  private static final byte[] ERR = ServerFrame.Type.ERR.wordAndSpace();
  // Version 1.1, positioned connections only.
  private static final byte[] GAP = ascii("GAP ");
  private static final byte[] GAP_UNKNOWN = ascii("GAP unknown\n");
  private static final byte[] REPLAYED = ascii("REPLAYED ");

  private static final int MAX_LONG_DIGITS = Decimals.MAX_LONG_DIGITS;

  private ServerFrames() {}

  /** The length of {@code MSG <name> <text>\n}, so that a caller can size a buffer once. */
  public static int msgLength(int nameBytes, int textBytes) {
    return MSG.length + nameBytes + 1 + textBytes + 1;
  }

  /** Appends {@code MSG <name> <text>\n}; copies the readable bytes of {@code text}. */
  public static void writeMsg(ByteBuf out, byte[] name, ByteBuf text) {
    out.writeBytes(MSG).writeBytes(name).writeByte(SP);
    out.writeBytes(text, text.readerIndex(), text.readableBytes()).writeByte(LF);
  }

  /** Appends {@code GAP <from> <to>\n}: messages {@code from..to} are no longer kept. */
  public static void writeGap(ByteBuf out, long from, long to) {
    out.writeBytes(GAP);
    Decimals.write(out, from);
    out.writeByte(SP);
    Decimals.write(out, to);
    out.writeByte(LF);
  }

  /** Appends {@code GAP unknown\n}: the position's epoch is not this room's numbering. */
  public static void writeGapUnknown(ByteBuf out) {
    out.writeBytes(GAP_UNKNOWN);
  }

  /** Appends {@code REPLAYED <n>\n}: the end of a replay of {@code n} lines. */
  public static void writeReplayed(ByteBuf out, long n) {
    out.writeBytes(REPLAYED);
    Decimals.write(out, n);
    out.writeByte(LF);
  }

  /** Encodes {@code WELCOME <name> <count> <epoch>:<last>\n}, a positioned join's welcome. */
  public static ByteBuf encodeWelcome(
      ByteBufAllocator alloc, byte[] name, int count, byte[] epoch, long last) {
    ByteBuf out =
        alloc.buffer(WELCOME.length + name.length + 12 + epoch.length + MAX_LONG_DIGITS + 2);
    out.writeBytes(WELCOME).writeBytes(name).writeByte(SP);
    ByteBufUtil.writeAscii(out, Integer.toString(count));
    out.writeByte(SP).writeBytes(epoch).writeByte(':');
    Decimals.write(out, last);
    return out.writeByte(LF);
  }

  /** Appends {@code JOINED <name>\n}. */
  public static void writeJoined(ByteBuf out, byte[] name) {
    out.writeBytes(JOINED).writeBytes(name).writeByte(LF);
  }

  /** Appends {@code LEFT <name>\n}. */
  public static void writeLeft(ByteBuf out, byte[] name) {
    out.writeBytes(LEFT).writeBytes(name).writeByte(LF);
  }

  /** Appends {@code MEMBER <name>\n}. */
  public static void writeMember(ByteBuf out, byte[] name) {
    out.writeBytes(MEMBER).writeBytes(name).writeByte(LF);
  }

  /** Appends {@code MEMBERS <count>\n}. */
  public static void writeMembers(ByteBuf out, int count) {
    out.writeBytes(MEMBERS);
    ByteBufUtil.writeAscii(out, Integer.toString(count));
    out.writeByte(LF);
  }

  /** Encodes {@code WELCOME <name> <count>\n}. */
  public static ByteBuf encodeWelcome(ByteBufAllocator alloc, byte[] name, int count) {
    ByteBuf out = alloc.buffer(WELCOME.length + name.length + 12);
    out.writeBytes(WELCOME).writeBytes(name).writeByte(SP);
    ByteBufUtil.writeAscii(out, Integer.toString(count));
    return out.writeByte(LF);
  }

  /**
   * Encodes {@code PONG\n}, or {@code PONG <token>\n} when {@code token} is not null; the token's
   * readable bytes are copied as they are.
   */
  public static ByteBuf encodePong(ByteBufAllocator alloc, ByteBuf token) {
    int tokenBytes = token == null ? 0 : 1 + token.readableBytes();
    ByteBuf out = alloc.buffer(PONG.length + tokenBytes + 1);
    out.writeBytes(PONG);
    if (token != null) {
      out.writeByte(SP).writeBytes(token, token.readerIndex(), token.readableBytes());
    }
    return out.writeByte(LF);
  }

  /** Encodes {@code BYE\n}. */
  public static ByteBuf encodeBye(ByteBufAllocator alloc) {
    return alloc.buffer(BYE.length).writeBytes(BYE);
  }

  /** Encodes {@code ERR <code> <default text for code>\n}. */
  public static ByteBuf encodeErr(ByteBufAllocator alloc, ErrorCode code) {
    return encodeErr(alloc, code, code.defaultText());
  }

  /**
   * Encodes {@code ERR <code> <text>\n}. {@code text} must follow the text rule; it is the caller's
   * own wording, never text from a client.
   */
  public static ByteBuf encodeErr(ByteBufAllocator alloc, ErrorCode code, String text) {
    byte[] human = text.getBytes(StandardCharsets.UTF_8);
    ByteBuf out = alloc.buffer(ERR.length + code.wireName().length() + 1 + human.length + 1);
    out.writeBytes(ERR);
    ByteBufUtil.writeAscii(out, code.wireName());
    return out.writeByte(SP).writeBytes(human).writeByte(LF);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
