package io.ringchat.client;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Locale;

/** Why a connection attempt failed, in the few words a person needs, never an exception's name. */
public final class ConnectFailure {
  private ConnectFailure() {}

  /** E.g. {@code connection refused}, {@code unknown host}, {@code timed out}. */
  public static String describe(Throwable cause) {
    if (cause instanceof ConnectException) {
      return "connection refused";
    }
    if (cause instanceof UnknownHostException) {
      return "unknown host";
    }
    if (cause instanceof ConnectTimeoutException) {
      return "timed out";
    }
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message.toLowerCase(Locale.ROOT);
  }
}
