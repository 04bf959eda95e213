package io.ringchat.client;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * The client's side of TLS: the context that trusts the JDK's CAs or the one given with {@code
 * --tls-ca}, and, when a handshake fails, what failed and what to do, in one line.
 */
final class ClientTls {
  private ClientTls() {}

  /**
   * A client context checking the broker's certificate against {@code ca} (null: the JDK's trusted
   * CAs) and the host name it was reached by.
   *
   * @throws IllegalArgumentException with a one-line message when {@code ca} is not usable
   */
  static SslContext context(Path ca) {
    SslContextBuilder builder =
        SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS");
    if (ca != null) {
      if (!Files.isRegularFile(ca) || !Files.isReadable(ca)) {
        throw new IllegalArgumentException("--tls-ca: cannot read " + ca);
      }
      try {
        builder.trustManager(ca.toFile());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--tls-ca " + ca + ": not a PEM certificate", e);
      }
    }
    try {
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("--tls-ca " + ca + ": not a PEM certificate", e);
    }
  }

  /** Why the handshake with {@code peer} failed, and what to do about it. */
  static String describe(Throwable cause, String peer) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof CertPathValidatorException
          || (t.getMessage() != null && t.getMessage().contains("PKIX path"))) {
        return "TLS handshake with "
            + peer
            + " failed: its certificate is not signed by a CA this client trusts;"
            + " pass --tls-ca FILE with the CA (or the self-signed certificate) it uses";
      }
      if (t instanceof CertificateException
          && t.getMessage() != null
          && t.getMessage().toLowerCase(Locale.ROOT).contains("subject alternative")) {
        return "TLS handshake with "
            + peer
            + " failed: its certificate is not for that host name or address;"
            + " connect by a name the certificate carries";
      }
      if (t instanceof NotSslRecordException) {
        return "TLS handshake with "
            + peer
            + " failed: the broker answered in plain text; drop --tls (or CHAT_TLS),"
            + " or start the broker with --tls-cert and --tls-key";
      }
    }
    if (cause instanceof ClosedChannelException
        || (cause instanceof SSLException && !(cause instanceof DecoderException))) {
      return "TLS handshake with "
          + peer
          + " failed: the broker closed the connection; is TLS on for that port (broker"
          + " --tls-cert), or is --tls given by mistake?";
    }
    String message = cause.getMessage();
    return "TLS handshake with "
        + peer
        + " failed: "
        + (message == null ? cause.getClass().getSimpleName() : message.toLowerCase(Locale.ROOT));
  }
}
