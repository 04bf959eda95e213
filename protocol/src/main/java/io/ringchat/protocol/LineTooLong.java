package io.ringchat.protocol;

/**
 * What {@link LineFrameDecoder} emits, once, in place of a line longer than its limit. The line
 * itself is discarded up to its LF and never buffered.
 */
public final class LineTooLong {
  /** The only instance: it carries no state. */
  public static final LineTooLong INSTANCE = new LineTooLong();

  private LineTooLong() {}

  @Override
  public String toString() {
    return "LineTooLong";
  }
}
