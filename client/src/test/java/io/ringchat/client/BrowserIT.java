package io.ringchat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringchat.broker.Broker;
import io.ringchat.broker.BrokerConfig;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.openqa.selenium.By;
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
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page in a real browser: headless Chromium driven by Selenium through Debian's
 * chromedriver (pointed at directly, so nothing is ever downloaded), two browser users and one CLI
 * client in one room. Skipped, in one line, where {@code chromium} or {@code chromium-driver} is
 * not installed.
 *
 * <p>{@code -Dbrowser.screenshot=PATH} also copies the screenshot it takes to PATH (the README's
 * picture is made that way).
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
    for (WebDriver browser : browsers) {
      browser.quit();
    }
    clients.stopAll();
    broker.stop();
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

  /** Waits for a message line whose text (sender and time aside) is {@code text}. */
  private static WebElement message(WebDriver page, String text) {
    return new WebDriverWait(page, WAIT)
        .until(
            d ->
                d.findElements(By.cssSelector("#messages li")).stream()
                    .filter(li -> li.getText().endsWith(text))
                    .reduce((a, b) -> b)
                    .orElse(null));
  }

  private static List<String> members(WebDriver page) {
    return page.findElements(By.cssSelector("#members li")).stream()
        .map(WebElement::getText)
        .toList();
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
    assertThat(message(bob, "hello from a browser").getText()).contains("alice:");
    assertThat(message(alice, "hello from a browser").getText()).contains("alice (you):");
    await().atMost(WAIT).until(() -> out("carol").contains("alice: hello from a browser"));

    OutputStream cli = carol.getOutputStream();
    cli.write("hi browsers\n".getBytes(StandardCharsets.UTF_8));
    cli.flush();
    message(alice, "hi browsers");
    message(bob, "hi browsers");

    String hostile = "<img src=x onerror=alert(1)><b>bold?</b>&amp;";
    say(bob, hostile);
    WebElement shown = message(alice, hostile);
    assertThat(shown.getText()).endsWith(hostile);
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
  }

  private static void assertNoAlert(WebDriver page) {
    try {
      page.switchTo().alert();
      throw new AssertionError("a script ran: an alert is open");
    } catch (NoAlertPresentException expected) {
      // nothing ran
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
