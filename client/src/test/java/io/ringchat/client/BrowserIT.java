package io.ringchat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.selenium.AxeBuilder;
import io.ringchat.broker.Broker;
import io.ringchat.broker.BrokerConfig;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page in a real browser: headless Chromium driven by Selenium through Debian's
 * chromedriver (pointed at directly, so nothing is ever downloaded), two browser users and one CLI
 * client in one room. Skipped, in one line, where {@code chromium} or {@code chromium-driver} is
 * not installed.
 *
 * <p>Every test fails on any error or warning in a page's console but those it causes on purpose
 * (listed in {@link #expectConsole}); the page is checked against Deque's axe-core rules on the
 * name form and in the room, on a phone's width and a desktop's, and fails on any serious or
 * critical violation.
 *
 * <p>{@code -Dbrowser.screenshot=PATH} also copies the screenshot it takes to PATH (the README's
 * picture is made that way); {@code -Dbrowser.screenshots=DIR} writes the 390 px and 1280 px
 * pictures of the room with right-to-left and override lines there ({@code docs/}).
 *
 * <p>Alone: Chromium, a broker and a client share two cores, under Selenium's timeouts.
 */
@Isolated
class BrowserIT {
  /** Debian's, unless CHROME_BIN / CHROMEDRIVER name others (GitHub's runners have Chrome). */
  private static final Path CHROMIUM = Path.of(env("CHROME_BIN", "/usr/bin/chromium"));

  private static final Path CHROMEDRIVER = Path.of(env("CHROMEDRIVER", "/usr/bin/chromedriver"));
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private Broker broker;
  private int chatPort;
  private int httpPort;
  private final List<WebDriver> browsers = new ArrayList<>();
  private ClientJarProcesses clients;

  /** Console lines a test causes on purpose (a WebSocket failing while the broker is stopped). */
  private final List<Pattern> expectedConsole = new ArrayList<>();

  private void expectConsole(String regex) {
    expectedConsole.add(Pattern.compile(regex));
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  @BeforeAll
  static void needsChromium() {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "chromium or chromium-driver is not installed (apt-get install chromium chromium-driver):"
            + " skipping the browser tests");
  }

  @BeforeEach
  void startBroker() throws InterruptedException {
    broker = Broker.start(BrokerConfig.parse("--bind=127.0.0.1", "--port=0", "--http-port=0"));
    chatPort = broker.address().getPort();
    httpPort = broker.httpAddress().getPort();
    clients = new ClientJarProcesses(dir);
  }

  @AfterEach
  void stopEverything() throws InterruptedException {
    List<String> unexpected = new ArrayList<>();
    try {
      for (WebDriver browser : browsers) {
        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
          boolean problem = entry.getLevel().intValue() >= Level.WARNING.intValue();
          if (problem
              && expectedConsole.stream().noneMatch(p -> p.matcher(entry.getMessage()).find())) {
            unexpected.add(entry.getLevel() + " " + entry.getMessage());
          }
        }
      }
    } finally {
      for (WebDriver browser : browsers) {
        browser.quit();
      }
      clients.stopAll();
      broker.stop();
    }
    assertThat(unexpected).as("errors and warnings in the pages' consoles").isEmpty();
  }

  private WebDriver browser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox", // Chromium refuses to run as root with its sandbox
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=900,640",
        "--force-prefers-reduced-motion");
    // The console, read after each test: nothing may go wrong there unnoticed.
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    WebDriver driver = new ChromeDriver(service, options);
    browsers.add(driver);
    driver.get("http://127.0.0.1:" + httpPort + "/");
    return driver;
  }

  /** A new browser on the page, joined as {@code name}. */
  private WebDriver browserJoinedAs(String name) {
    WebDriver page = browser();
    join(page, name);
    joined(page);
    return page;
  }

  private static void join(WebDriver page, String name) {
    WebElement field = new WebDriverWait(page, WAIT).until(d -> d.findElement(By.id("name")));
    field.clear();
    field.sendKeys(name, Keys.ENTER);
  }

  private static void joined(WebDriver page) {
    new WebDriverWait(page, WAIT)
        .until(ExpectedConditions.visibilityOfElementLocated(By.id("text")));
  }

  private static void say(WebDriver page, String text) {
    WebElement input = page.findElement(By.id("text"));
    input.sendKeys(text, Keys.ENTER);
  }

  /**
   * Waits for a message line whose text (sender and time aside) ends with {@code text}, read from
   * the DOM as the page wrote it ({@code textContent}).
   */
  private static WebElement message(WebDriver page, String text) {
    return new WebDriverWait(page, WAIT)
        .until(
            d ->
                (WebElement)
                    ((JavascriptExecutor) d)
                        .executeScript(
                            "return [...document.querySelectorAll('#messages li')]"
                                + ".filter(li => li.textContent.endsWith(arguments[0])).pop()"
                                + " || null;",
                            text));
  }

  /** What the page wrote into {@code element}, markup aside. */
  private static String text(WebElement element) {
    return element.getDomProperty("textContent");
  }

  /** The member list as shown, read in one step (the page rebuilds it as members come and go). */
  private static List<String> members(WebDriver page) {
    @SuppressWarnings("unchecked")
    List<String> names =
        (List<String>)
            ((JavascriptExecutor) page)
                .executeScript(
                    "return [...document.querySelectorAll('#members li')].map(li =>"
                        + " li.textContent);");
    return names;
  }

  private Process cliClient(String name) throws IOException {
    return clients.start(
        name, Map.of(), "--host", "127.0.0.1", "--port", "" + chatPort, "--username", name);
  }

  private String out(String name) throws IOException {
    return clients.out(name);
  }

  @Test
  void shouldChatBetweenTwoBrowsersAndTheCliShowingEveryTextAsText() throws Exception {
    WebDriver alice = browserJoinedAs("alice");
    WebDriver bob = browserJoinedAs("bob");
    Process carol = cliClient("carol");
    await().atMost(WAIT).until(() -> broker.counters().members() == 3);
    new WebDriverWait(alice, WAIT).until(d -> members(d).contains("carol"));
    assertThat(members(alice)).containsExactly("alice (you)", "bob", "carol");

    say(alice, "hello from a browser");
    assertThat(text(message(bob, "hello from a browser"))).contains("alice:");
    assertThat(text(message(alice, "hello from a browser"))).contains("alice (you):");
    await().atMost(WAIT).until(() -> out("carol").contains("alice: hello from a browser"));

    OutputStream cli = carol.getOutputStream();
    cli.write("hi browsers\n".getBytes(StandardCharsets.UTF_8));
    cli.flush();
    message(alice, "hi browsers");
    message(bob, "hi browsers");

    String hostile = "<img src=x onerror=alert(1)><b>bold?</b>&amp;";
    say(bob, hostile);
    WebElement shown = message(alice, hostile);
    assertThat(text(shown)).endsWith(hostile);
    assertThat(shown.findElements(By.tagName("img"))).as("inserted as text").isEmpty();
    assertThat(shown.findElements(By.tagName("b"))).isEmpty();
    assertNoAlert(alice);
    assertNoAlert(bob);
    await().atMost(WAIT).until(() -> out("carol").contains("bob: " + hostile));

    // Terminal escapes never reach anyone: the broker refuses control characters (bad_text),
    // and the page says the message was not sent.
    ((JavascriptExecutor) bob)
        .executeScript(
            "document.getElementById('text').value = arguments[0];", "\u001b[2J\u001b[31mcrimson");
    bob.findElement(By.id("text")).sendKeys(Keys.ENTER);
    new WebDriverWait(bob, WAIT)
        .until(
            d ->
                d.findElements(By.cssSelector("#messages li.err")).stream()
                    .anyMatch(li -> li.getText().contains("bad_text")));
    say(bob, "after the escapes");
    message(alice, "after the escapes");
    assertThat(alice.findElement(By.id("messages")).getText()).doesNotContain("crimson");
    await().atMost(WAIT).until(() -> out("carol").contains("bob: after the escapes"));
    assertThat(out("carol")).doesNotContain("\u001b").doesNotContain("crimson");

    screenshot(alice);
    cli.close();
  }

  @Test
  void shouldExplainATakenNameAndTakeAnother() {
    WebDriver alice = browserJoinedAs("alice");
    WebDriver second = browser();
    join(second, "ALICE");
    WebElement error =
        new WebDriverWait(second, WAIT)
            .until(
                ExpectedConditions.presenceOfElementLocated(
                    By.xpath("//p[@id='name-error'][normalize-space(.) != '']")));
    assertThat(error.getText()).contains("already has that name");
    assertThat(second.findElement(By.id("room")).isDisplayed()).isFalse();

    join(second, "dave");
    joined(second);
    new WebDriverWait(alice, WAIT).until(d -> members(d).contains("dave"));
  }

  @Test
  void shouldReconnectAndRejoinWhenTheBrokerRestarts() throws Exception {
    WebDriver alice = browserJoinedAs("alice");
    WebDriver bob = browserJoinedAs("bob");

    // While the broker is down the page's reconnection attempts fail, as they should.
    expectConsole("WebSocket connection to 'ws://127\\.0\\.0\\.1:" + httpPort + "/ws' failed");
    broker.stop();
    new WebDriverWait(alice, WAIT)
        .until(ExpectedConditions.visibilityOfElementLocated(By.id("banner")));
    assertThat(alice.findElement(By.id("banner")).getText()).contains("Reconnecting");
    broker =
        Broker.start(
            BrokerConfig.parse(
                "--bind=127.0.0.1", "--port=" + chatPort, "--http-port=" + httpPort));

    await().atMost(Duration.ofSeconds(40)).until(() -> broker.counters().members() == 2);
    new WebDriverWait(alice, WAIT)
        .until(ExpectedConditions.invisibilityOfElementLocated(By.id("banner")));
    say(alice, "back again");
    message(bob, "back again");
    assertThat(members(bob)).contains("alice", "bob (you)");
    // The restarted broker's numbering is new: what was said meanwhile cannot be known.
    message(alice, "(the broker restarted: what was said while you were away is unknown)");
  }

  @Test
  void shouldSayOnceThatABrokerWithoutHistoryKeepsNoneAndChatOn() throws Exception {
    // A broker that answers a positioned JOIN as version 1 does (bad_name).
    broker.stop();
    broker =
        Broker.start(
            BrokerConfig.parse(
                "--bind=127.0.0.1", "--port=0", "--http-port=0", "--refuse-positioned-joins"));
    chatPort = broker.address().getPort();
    httpPort = broker.httpAddress().getPort();

    WebDriver alice = browserJoinedAs("alice");
    message(alice, "(this broker keeps no history)");
    try (Socket bob = tcpMember("bob")) {
      new WebDriverWait(alice, WAIT).until(d -> members(d).contains("bob"));
      sendRaw(bob, "SEND hello without history");
      message(alice, "hello without history");
    }
    assertThat(alice.findElement(By.id("messages")).getText().split("keeps no history", -1))
        .hasSize(2);
  }

  @Test
  void shouldShowKeptMessagesWithTheirTimesOnJoining() throws Exception {
    try (Socket ann = tcpMember("ann")) {
      sendRaw(ann, "SEND said before you came");
      sendRaw(ann, "SEND and this too");
      await().atMost(WAIT).until(() -> broker.counters().historyMessages() == 2);

      WebDriver alice = browserJoinedAs("alice");

      WebElement first = message(alice, "said before you came");
      message(alice, "and this too");
      assertThat(first.getAttribute("class")).contains("history");
      assertThat(first.findElement(By.tagName("time")).getAttribute("datetime")).isNotBlank();
      assertThat(alice.findElement(By.id("messages")).getText()).doesNotContain("(back:");
    }
  }

  @Test
  void shouldResumeAfterADroppedConnectionWithWhatWasMissedOnce() throws Exception {
    try (Socket bob = tcpMember("bob")) {
      WebDriver alice = browserJoinedAs("alice");
      new WebDriverWait(alice, WAIT).until(d -> members(d).contains("bob"));
      sendRaw(bob, "SEND before the drop");
      message(alice, "before the drop");

      dropWhileBobSpeaks(alice, bob, "", "");

      assertMissedLinesShownOnce(alice);
      new WebDriverWait(alice, WAIT).until(d -> members(d).contains("bob"));
      assertThat(members(alice)).containsExactly("alice (you)", "bob");
    }
  }

  @Test
  void shouldAskAgainForAReplayThatALostConnectionCutShort() throws Exception {
    try (Socket bob = tcpMember("bob")) {
      WebDriver alice = browserJoinedAs("alice");
      new WebDriverWait(alice, WAIT).until(d -> members(d).contains("bob"));
      sendRaw(bob, "SEND before the drop");
      message(alice, "before the drop");

      // The connection after the drop is lost between its WELCOME and the replay (the page is
      // handed the WELCOME line alone and the socket closes, as when a cluster's broker loses its
      // session while its copy of the history fills). The page must come back SINCE where it had
      // got to, not the WELCOME's newest, or bob's two lines are lost without a word.
      dropWhileBobSpeaks(
          alice,
          bob,
          "const onmessage = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');"
              + " Object.defineProperty(WebSocket.prototype, 'onmessage', {"
              + " configurable: true, get() { return onmessage.get.call(this); },"
              + " set(fn) { const ws = this; onmessage.set.call(this, function (event) {"
              + " const data = String(event.data);"
              + " if (window.cutAfterWelcome && data.startsWith('WELCOME ')) {"
              + " window.cutAfterWelcome = false; window.cut = true;"
              + " fn.call(ws, { data: data.slice(0, data.indexOf('\\n') + 1) || data });"
              + " ws.close(); return; }"
              + " fn.call(ws, event); }); } });",
          "window.cutAfterWelcome = true;");

      assertMissedLinesShownOnce(alice);
      assertThat(((JavascriptExecutor) alice).executeScript("return window.cut === true;"))
          .as("a connection was cut after its WELCOME")
          .isEqualTo(true);
    }
  }

  /**
   * Drops alice's page's WebSocket as a network would (caught at its next send, then closed) while
   * bob sends two lines. The page's reconnect (its timer calls connect) is held until bob's lines
   * are in the room: otherwise a slow test could send them after the page is back, and they would
   * arrive live. {@code hooks} is more script for the page, run with the catching one; {@code
   * beforeReconnect} runs just before the held reconnect is let go.
   */
  private void dropWhileBobSpeaks(WebDriver alice, Socket bob, String hooks, String beforeReconnect)
      throws IOException {
    ((JavascriptExecutor) alice)
        .executeScript(
            "const send = WebSocket.prototype.send;"
                + " WebSocket.prototype.send = function (data) {"
                + " window.caught = this; return send.call(this, data); };"
                + " const later = window.setTimeout;"
                + " window.setTimeout = function (fn, ms, ...rest) {"
                + " if (fn.name === 'connect' && !window.heldConnect) {"
                + " window.heldConnect = fn; return 0; }"
                + " return later(fn, ms, ...rest); };"
                + hooks);
    say(alice, "my last words");
    ((JavascriptExecutor) alice).executeScript("window.caught.close();");
    new WebDriverWait(alice, WAIT)
        .until(d -> ((JavascriptExecutor) d).executeScript("return !!window.heldConnect;"));
    sendRaw(bob, "SEND while you were away 1");
    sendRaw(bob, "SEND while you were away 2");
    sendRaw(bob, "PING ordered");
    awaitLine(bob, "PONG ordered"); // the room has taken both SENDs, in order before the PING
    ((JavascriptExecutor) alice).executeScript(beforeReconnect + " window.heldConnect();");
  }

  /** alice's page is back and showed bob's two lines in order, each once, and said so once. */
  private void assertMissedLinesShownOnce(WebDriver alice) {
    message(alice, "(back: 2 messages while you were away)");
    String log = alice.findElement(By.id("messages")).getText();
    assertThat(log.indexOf("while you were away 1"))
        .isPositive()
        .isLessThan(log.indexOf("while you were away 2"));
    assertThat(log.split("before the drop", -1)).as("nothing twice").hasSize(2);
    assertThat(log.split("while you were away 2", -1)).hasSize(2);
  }

  /** A member on the chat port that sends raw protocol lines, as any program may. */
  private Socket tcpMember(String name) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), chatPort);
    sendRaw(socket, "JOIN " + name);
    return socket;
  }

  /** Reads {@code socket}'s lines until {@code expected} (the test's timeout bounds it). */
  private static void awaitLine(Socket socket, String expected) throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    socket.setSoTimeout((int) WAIT.toMillis());
    for (String line = in.readLine(); !expected.equals(line); line = in.readLine()) {
      assertThat(line).as("bob's connection ended before " + expected).isNotNull();
    }
  }

  private static void sendRaw(Socket socket, String line) throws IOException {
    socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
  }

  /** Each part of a rendered line: its element, text and computed direction and isolation. */
  private static List<Map<String, Object>> parts(WebDriver page, WebElement line) {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> parts =
        (List<Map<String, Object>>)
            ((JavascriptExecutor) page)
                .executeScript(
                    "return [...arguments[0].querySelectorAll('bdi')].map(e => ({tag:"
                        + " e.localName, cls: e.className, text: e.textContent, dir:"
                        + " getComputedStyle(e).direction, bidi: getComputedStyle(e).unicodeBidi}));",
                    line);
    return parts;
  }

  private static final String OVERRIDE = "hi \u202eevil";
  private static final String HEBREW = "\u05e9\u05dc\u05d5\u05dd and english";
  private static final String WITH_RLM = "a\u200fb";

  @Test
  void shouldShowDirectionControlsAndKeepEveryNameAndTextInAnIsolateOfItsOwn() throws Exception {
    WebDriver alice = browserJoinedAs("alice");
    try (Socket mallory = tcpMember("mallory");
        Socket dani = tcpMember("\u05d3\u05e0\u05d9")) {
      new WebDriverWait(alice, WAIT).until(d -> members(d).contains("\u05d3\u05e0\u05d9"));
      sendRaw(mallory, "SEND " + OVERRIDE);
      sendRaw(dani, "SEND " + HEBREW);
      sendRaw(mallory, "SEND " + WITH_RLM);
      sendRaw(mallory, "SEND the next line");

      // The override is shown as the CLI shows it, and is not in the page to act on anything.
      WebElement override = message(alice, "hi \\u202eevil");
      assertThat(text(override)).doesNotContain("\u202e");
      List<Map<String, Object>> overrideParts = parts(alice, override);
      assertThat(overrideParts)
          .extracting(p -> p.get("cls") + "=" + p.get("text"))
          .containsExactly("who=mallory", "text=hi \\u202eevil");
      assertThat(overrideParts).allSatisfy(p -> assertThat(p.get("bidi")).isEqualTo("isolate"));

      // Right-to-left text reads right to left, in its own isolate; its sender's name too.
      WebElement hebrew = message(alice, HEBREW);
      assertThat(parts(alice, hebrew))
          .extracting(p -> p.get("cls") + "=" + p.get("text") + "/" + p.get("dir"))
          .containsExactly("who=\u05d3\u05e0\u05d9/rtl", "text=" + HEBREW + "/rtl");

      // A right-to-left mark stays as it is (inside the isolate), unescaped.
      WebElement rlm = message(alice, WITH_RLM);
      assertThat(parts(alice, rlm).get(1).get("text")).isEqualTo(WITH_RLM);

      // The line after them is as it was sent, left to right: nothing spilled into it.
      WebElement next = message(alice, "the next line");
      assertThat(parts(alice, next))
          .extracting(p -> p.get("cls") + "=" + p.get("text") + "/" + p.get("dir"))
          .containsExactly("who=mallory/ltr", "text=the next line/ltr");
      assertThat(text(next)).endsWith("mallory: the next line");

      // The member list isolates names the same way, "(you)" outside the name.
      List<WebElement> listed = alice.findElements(By.cssSelector("#members li"));
      assertThat(listed)
          .allSatisfy(li -> assertThat(li.findElements(By.tagName("bdi"))).hasSize(1));
      assertThat(parts(alice, alice.findElement(By.id("members"))))
          .extracting(p -> p.get("text") + "/" + p.get("dir"))
          .contains("\u05d3\u05e0\u05d9/rtl", "alice/ltr", "mallory/ltr");

      for (Dimension size : List.of(new Dimension(390, 844), new Dimension(1280, 800))) {
        alice.manage().window().setSize(size);
        assertAccessible(alice, "the room at " + size.getWidth() + " px");
        screenshots(alice, "chat-page-" + size.getWidth() + ".png");
      }
    }
  }

  @Test
  void shouldOfferLeaveSendAndTheMembersOnEveryScreenToTheKeyboard() throws Exception {
    WebDriver carol = browserJoinedAs("carol");
    WebDriver page = browser();
    List<Dimension> screens =
        List.of(
            new Dimension(320, 568),
            new Dimension(390, 844),
            new Dimension(568, 320),
            new Dimension(844, 390),
            new Dimension(1280, 800));
    for (Dimension size : screens) {
      page.manage().window().setSize(size);
      String where = size.getWidth() + " x " + size.getHeight();
      new WebDriverWait(page, WAIT)
          .until(ExpectedConditions.visibilityOfElementLocated(By.id("name")));
      if (size.getWidth() == 390 || size.getWidth() == 1280) {
        assertAccessible(page, "the name form at " + where);
      }
      join(page, "dave");
      joined(page);
      new WebDriverWait(carol, WAIT).until(d -> members(d).contains("dave"));

      // From the message field, Tab reaches Send, Leave and the member list, each shown.
      WebElement text = page.findElement(By.id("text"));
      text.click();
      List<String> reached = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        page.switchTo().activeElement().sendKeys(Keys.TAB);
        WebElement focused = page.switchTo().activeElement();
        assertThat(focused.isDisplayed()).as("%s: focused element shown", where).isTrue();
        reached.add(
            Objects.toString(focused.getDomAttribute("id"), "")
                + ":"
                + (focused.getTagName().equals("button") ? focused.getText() : ""));
      }
      assertThat(reached)
          .as("Tab order at %s", where)
          .containsExactly(":Send", "leave:Leave", "members:");
      assertThat(members(page)).contains("dave (you)");
      WebElement leave = page.findElement(By.id("leave"));
      assertThat(leave.isDisplayed()).as("Leave at %s", where).isTrue();
      assertThat(inViewportOnceFocused(page, leave)).as("Leave on screen at %s", where).isTrue();

      // Leave, by keyboard: back at the name form, and gone for the others.
      page.findElement(By.id("text")).click();
      page.switchTo().activeElement().sendKeys(Keys.TAB);
      page.switchTo().activeElement().sendKeys(Keys.TAB);
      page.switchTo().activeElement().sendKeys(Keys.ENTER);
      new WebDriverWait(page, WAIT)
          .until(ExpectedConditions.visibilityOfElementLocated(By.id("name")));
      new WebDriverWait(carol, WAIT).until(d -> !members(d).contains("dave"));
    }
  }

  /** Whether {@code element}, scrolled to as focusing it does, lies within the viewport. */
  private static boolean inViewportOnceFocused(WebDriver page, WebElement element) {
    return (Boolean)
        ((JavascriptExecutor) page)
            .executeScript(
                "const e = arguments[0]; e.focus(); const r = e.getBoundingClientRect();"
                    + " return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight"
                    + " && r.right <= innerWidth;",
                element);
  }

  /** Deque's axe-core on the page as it is: no violation of serious or critical impact. */
  private static void assertAccessible(WebDriver page, String what) {
    Results results = new AxeBuilder().analyze(page);
    assertThat(results.getErrorMessage()).as("axe-core ran on %s", what).isNull();
    List<String> violations =
        results.getViolations().stream()
            .filter(rule -> List.of("serious", "critical").contains(rule.getImpact()))
            .map(rule -> rule.getImpact() + " " + rule.getId() + ": " + rule.getHelp())
            .toList();
    assertThat(violations).as("accessibility of %s", what).isEmpty();
  }

  private static void assertNoAlert(WebDriver page) {
    try {
      page.switchTo().alert();
      throw new AssertionError("a script ran: an alert is open");
    } catch (NoAlertPresentException expected) {
      // nothing ran
    }
  }

  /** With {@code -Dbrowser.screenshots=DIR}, the page as it is now, to DIR/name. */
  private static void screenshots(WebDriver page, String name) throws IOException {
    String dir = System.getProperty("browser.screenshots");
    if (dir != null && !dir.isBlank()) {
      File shot = ((TakesScreenshot) page).getScreenshotAs(OutputType.FILE);
      Files.copy(shot.toPath(), Path.of(dir, name), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void screenshot(WebDriver page) throws IOException {
    File shot = ((TakesScreenshot) page).getScreenshotAs(OutputType.FILE);
    Path target = Path.of("target", "chat-page.png");
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    String copy = System.getProperty("browser.screenshot");
    if (copy != null && !copy.isBlank()) {
      Files.copy(shot.toPath(), Path.of(copy), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
