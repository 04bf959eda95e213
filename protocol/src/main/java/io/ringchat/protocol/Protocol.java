package io.ringchat.protocol;

/** Facts of the protocol that are not frames: where a broker listens unless told otherwise. */
public final class Protocol {
  /** The TCP port a broker listens on, and a client connects to, by default. */
  public static final int DEFAULT_PORT = 7878;

  private Protocol() {}
}
