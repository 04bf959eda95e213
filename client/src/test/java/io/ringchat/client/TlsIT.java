package io.ringchat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringchat.broker.Broker;
import io.ringchat.broker.BrokerConfig;
import io.ringchat.protocol.testing.FloodControl;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS end to end with a certificate made in the test: the client jar chats through it, a wrong CA
 * or a plain port fails in one line, a plain-text client on the TLS port is closed (never left
 * hanging), and the HTTP port serves HTTPS.
 */
class TlsIT {

  @TempDir Path dir;
  private TestCertificates certs;
  private Broker broker;
  private ClientJarProcesses clients;

  @BeforeEach
  void startBroker() throws Exception {
    certs = TestCertificates.create(dir, "ringchat-test");
    broker =
        Broker.start(
            BrokerConfig.parse(
                "--bind=127.0.0.1",
                "--port=0",
                "--http-port=0",
                "--tls-cert=" + certs.serverCert,
                "--tls-key=" + certs.serverKey));
    clients = new ClientJarProcesses(dir);
  }

  @AfterEach
  void stopEverything() throws InterruptedException {
    clients.stopAll();
    broker.stop();
  }

  @Test
  void shouldChatOverTlsWhenTheClientTrustsTheBrokersCa() throws Exception {
    try (SSLSocket listener = tlsSocket(broker.address(), certs.caCert)) {
      BufferedReader in = reader(listener.getInputStream());
      listener.getOutputStream().write("JOIN listener\n".getBytes(StandardCharsets.UTF_8));
      assertThat(in.readLine()).startsWith("WELCOME listener ");

      Process sender = client("--tls-ca", certs.caCert.toString(), "--send", "over tls");
      assertThat(sender.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(sender.exitValue()).as(err(0)).isZero();
      assertThat(in.readLine()).isEqualTo("JOINED sender");
      assertThat(in.readLine()).isEqualTo("MSG sender over tls");
    }
  }

  @Test
  void shouldReplayMoreHistoryThanMaxPendingOverTlsThenGoLive() throws Exception {
    // The replay goes through TLS in parts as the member drains (never counted against
    // --max-pending, here 64 KiB against about 250 KB of history), the live line after it.
    Broker keeping =
        Broker.start(
            BrokerConfig.parse(
                FloodControl.off(
                    "--bind=127.0.0.1",
                    "--port=0",
                    "--no-http",
                    "--tls-cert=" + certs.serverCert,
                    "--tls-key=" + certs.serverKey,
                    "--max-pending=65536",
                    "--history=2000")));
    String padding = "x".repeat(100);
    try (SSLSocket ann = tlsSocket(keeping.address(), certs.caCert);
        SSLSocket bob = tlsSocket(keeping.address(), certs.caCert)) {
      BufferedReader annIn = reader(ann.getInputStream());
      StringBuilder lines = new StringBuilder("JOIN ann\n");
      for (int i = 1; i <= 2000; i++) {
        lines.append("SEND line ").append(i).append(' ').append(padding).append('\n');
      }
      ann.getOutputStream().write(lines.toString().getBytes(StandardCharsets.UTF_8));
      assertThat(annIn.readLine()).isEqualTo("WELCOME ann 1");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> keeping.counters().historyMessages() == 2000);

      BufferedReader bobIn = reader(bob.getInputStream());
      bob.getOutputStream().write("JOIN bob HISTORY 2000\n".getBytes(StandardCharsets.UTF_8));
      assertThat(bobIn.readLine()).matches("WELCOME bob 2 [0-9a-z]+:2000");
      for (int i = 1; i <= 2000; i++) {
        assertThat(bobIn.readLine()).matches("POST " + i + " [0-9]+ ann line " + i + " " + padding);
      }
      assertThat(bobIn.readLine()).isEqualTo("REPLAYED 2000");
      ann.getOutputStream().write("SEND live\n".getBytes(StandardCharsets.UTF_8));
      assertThat(bobIn.readLine()).matches("POST 2001 [0-9]+ ann live");
      assertThat(keeping.counters().slowConsumers()).isZero();
    } finally {
      keeping.stop();
    }
  }

  @Test
  void shouldSayInOneLineThatTheCertificateIsNotTrusted() throws Exception {
    TestCertificates other = TestCertificates.create(dir, "somebody-else");
    Process sender = client("--tls-ca", other.caCert.toString(), "--send", "never");
    assertThat(sender.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(sender.exitValue()).as(err(0)).isEqualTo(1);
    assertThat(err(0).lines())
        .singleElement()
        .asString()
        .contains("TLS handshake with 127.0.0.1:" + broker.address().getPort() + " failed")
        .contains("not signed by a CA this client trusts")
        .contains("--tls-ca");
    assertThat(broker.counters().members()).isZero();
  }

  @Test
  void shouldSayInOneLineThatAPlainBrokerDoesNotSpeakTls() throws Exception {
    Broker plain = Broker.start(BrokerConfig.parse("--bind=127.0.0.1", "--port=0", "--no-http"));
    try {
      Process sender =
          clientOf(
              plain.address().getPort(), "--tls-ca", certs.caCert.toString(), "--send", "never");
      assertThat(sender.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(sender.exitValue()).as(err(0)).isEqualTo(1);
      assertThat(err(0).lines())
          .singleElement()
          .asString()
          .contains("TLS handshake with 127.0.0.1:" + plain.address().getPort() + " failed");
    } finally {
      plain.stop();
    }
  }

  @Test
  void shouldCloseAPlainTextClientOnTheTlsPort() throws Exception {
    try (Socket plain = new Socket()) {
      plain.connect(broker.address(), 5_000);
      plain.setSoTimeout(10_000);
      plain.getOutputStream().write("JOIN plain\nSEND hi\n".getBytes(StandardCharsets.UTF_8));
      InputStream in = plain.getInputStream();
      int read;
      do {
        read = in.read(); // TLS alert bytes at most, then the end: never a hang
      } while (read >= 0);
    } catch (java.net.SocketException reset) {
      // closed with a reset: closed all the same
    }
    assertThat(broker.counters().members()).isZero();
  }

  @Test
  void shouldServeHttpsOnTheHttpPort() throws Exception {
    HttpClient https =
        HttpClient.newBuilder()
            .sslContext(trusting(certs.caCert))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> health =
        https.send(
            HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + broker.httpAddress().getPort() + "/healthz"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("ok\n");
  }

  private Process client(String... args) throws IOException {
    return clientOf(broker.address().getPort(), args);
  }

  private Process clientOf(int port, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "" + port));
    all.addAll(List.of("--username", "sender"));
    all.addAll(List.of(args));
    return clients.start("client" + clients.count(), Map.of(), all.toArray(new String[0]));
  }

  private String err(int client) throws IOException {
    return clients.err("client" + client);
  }

  private static BufferedReader reader(InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  static SSLContext trusting(Path caPem) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      store.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  private static SSLSocket tlsSocket(InetSocketAddress address, Path caPem) throws Exception {
    SSLSocket socket =
        (SSLSocket)
            trusting(caPem)
                .getSocketFactory()
                .createSocket(address.getHostString(), address.getPort());
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    return socket;
  }
}
