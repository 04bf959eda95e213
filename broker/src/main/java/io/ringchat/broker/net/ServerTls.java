package io.ringchat.broker.net;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Loads the broker's TLS certificate and key (PEM) into the context both listeners use. */
public final class ServerTls {
  private ServerTls() {}

  /**
   * The server context for {@code cert} and {@code key}; throws {@link IllegalArgumentException}
   * with a one-line message naming the file and what is wrong with it.
   */
  public static SslContext load(Path cert, Path key) {
    readable(cert, "--tls-cert");
    readable(key, "--tls-key");
    try {
      return SslContextBuilder.forServer(cert.toFile(), key.toFile()).build();
    } catch (Exception e) { // SSLException, IllegalArgumentException: each a bad file
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
      throw new IllegalArgumentException(
          "--tls-cert "
              + cert
              + " / --tls-key "
              + key
              + ": not a PEM certificate chain and its PKCS#8 key ("
              + why.toLowerCase(Locale.ROOT)
              + ")",
          e);
    }
  }

  private static void readable(Path file, String option) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(option + ": cannot read " + file);
    }
  }
}
