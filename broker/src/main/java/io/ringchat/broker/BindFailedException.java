package io.ringchat.broker;

/** The broker could not listen on the address it was given (in use, not local, not allowed). */
public final class BindFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BindFailedException(String host, int port, Throwable cause) {
    super("cannot listen on " + host + ":" + port + ": " + describe(cause), cause);
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    if (message == null) {
      return cause.getClass().getSimpleName();
    }
    // Netty's native transport prefixes the syscall ("bind(..) failed: Address already in use").
    int colon = message.lastIndexOf(": ");
    return (colon >= 0 ? message.substring(colon + 2) : message).toLowerCase(java.util.Locale.ROOT);
  }
}
