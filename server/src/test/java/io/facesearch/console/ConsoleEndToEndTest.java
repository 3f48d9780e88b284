package io.facesearch.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.facesearch.api.TempFolders;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.Dialect;
import io.facesearch.testing.ChromiumCondition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Business Console end to end in the system Chromium (headless, driven by the system chromedriver; nothing is
 * downloaded): sign in with an account registered through the API, review a session and its match, blocklist it
 * and see the next API search Declined, raise the similarity threshold and see the match go, revoke a key and see
 * the API refuse it, sign out. Screenshots of the main pages land in target/console-screenshots/.
 *
 * <p>Every test runs once with the truth in SQLite and once in PostgreSQL ({@code dialect}).
 */
@ExtendWith(ChromiumCondition.class)
@ParameterizedClass
@EnumSource(Dialect.class)
class ConsoleEndToEndTest {

  @Parameter Dialect dialect;

  @RegisterExtension
  static final GreenMailExtension SMTP =
      new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
          .withPerMethodLifecycle(false); // a free port: other test JVMs may hold 3025

  static final Path SHOTS = Path.of("target", "console-screenshots");
  static ConsoleTestServer server;
  static WebDriver browser;
  static Path profile;

  @BeforeParameterizedClassInvocation
  static void start(Dialect dialect) throws Exception {
    Path driver =
        ChromiumCondition.driver(); // present: ChromiumCondition skipped the class otherwise
    Path chromium = ChromiumCondition.chromium();
    SMTP.purgeEmailFromAllMailboxes(); // the mail server lives for both variants: no code of the
    // other
    server = new ConsoleTestServer(SMTP.getSmtp().getPort(), dialect);
    Files.createDirectories(SHOTS);
    profile = TempFolders.create("console-chromium");
    System.setProperty("webdriver.chrome.driver", driver.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toString());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(driver.toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    browser.manage().window().setSize(new Dimension(1280, 900));
    browser.manage().timeouts().implicitlyWait(Duration.ofSeconds(2));
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void review_blocklist_threshold_keys_and_sign_out() throws Exception {
    Api api = new Api(server);
    String key = api.newAccount(SMTP, "ada@example.com");
    String enrolled = api.enroll(key, Api.OBAMA, "user-1");
    JsonNode first = api.search(key, Api.OBAMA_OTHER_PHOTO);
    assertEquals(1, first.get("total_matches").asInt(), first.toString());
    assertNotEquals("Declined", first.get("status").asText());

    // sign in
    open("/console/sessions");
    assertTrue(
        browser.getCurrentUrl().endsWith("/console/sign-in"), "signed out: to the sign-in form");
    shot("sign-in");
    browser.findElement(By.id("email")).sendKeys("ada@example.com");
    browser.findElement(By.id("password")).sendKeys(Api.PASSWORD);
    browser.findElement(By.id("sign-in")).click();
    awaitUrl("/console/sessions");
    List<WebElement> rows = browser.findElements(By.cssSelector("table.sessions tbody tr"));
    assertEquals(2, rows.size(), "the enrolled session and the saved search");
    assertTrue(
        browser
            .findElement(By.cssSelector("img.thumb"))
            .getAttribute("src")
            .contains("/v3/images/"));
    shot("sessions");

    // the saved search (newest) shows its match side by side; follow the match to the enrolled
    // session
    rows.get(0).findElement(By.cssSelector("a.session-link")).click();
    awaitElement(By.cssSelector(".match"));
    assertEquals(1, browser.findElements(By.cssSelector(".match")).size());
    assertTrue(browser.findElement(By.cssSelector(".match .pct")).getText().endsWith("%"));
    browser.manage().window().setSize(new Dimension(1280, 1500));
    shot("session");
    browser.manage().window().setSize(new Dimension(1280, 900));
    browser.findElement(By.cssSelector("a.match-link")).click();
    awaitUrl("/console/sessions/" + enrolled);

    // blocklist it: the next search is Declined
    browser.findElement(By.id("blocklist-add")).click();
    awaitFlash("added to the blocklist");
    assertTrue(browser.findElement(By.id("blocklisted")).isDisplayed());
    assertEquals("Declined", api.search(key, Api.OBAMA_OTHER_PHOTO).get("status").asText());
    browser.findElement(By.id("blocklist-remove")).click();
    awaitFlash("removed from the blocklist");
    assertTrue(browser.findElements(By.id("blocklisted")).isEmpty());
    JsonNode unblocked = api.search(key, Api.OBAMA_OTHER_PHOTO);
    assertNotEquals("Declined", unblocked.get("status").asText());
    assertTrue(matches(unblocked, enrolled), unblocked.toString());

    // the status filter (the select submits itself through console.js)
    open("/console/sessions");
    new Select(browser.findElement(By.id("status-filter"))).selectByVisibleText("Declined");
    awaitUrl("/console/sessions?status=Declined");
    assertEquals(1, browser.findElements(By.cssSelector("table.sessions tbody tr")).size());

    // a stricter similarity threshold: the same photo no longer matches
    open("/console/settings");
    WebElement threshold = browser.findElement(By.id("similarity_threshold"));
    threshold.clear();
    threshold.sendKeys("99.5");
    shot("settings");
    browser.findElement(By.id("save-settings")).click();
    awaitFlash("Settings saved");
    JsonNode strict = api.search(key, Api.OBAMA_OTHER_PHOTO);
    assertFalse(
        matches(strict, enrolled),
        "another photo of the same man is below 99.5% similar: " + strict);

    // keys: a new key is shown once and works; the registration key is revoked and refused
    open("/console/keys");
    browser.findElement(By.id("create-key")).click();
    String fresh = awaitElement(By.id("new-key")).getText();
    assertTrue(fresh.startsWith("fsk_"));
    assertEquals(200, api.balanceStatus(fresh));
    shot("keys");
    int keyRows = browser.findElements(By.cssSelector("tr[data-prefix]")).size();
    browser.navigate().refresh();
    assertFalse(browser.getPageSource().contains(fresh), "a reload does not show the key again");
    assertEquals(
        keyRows,
        browser.findElements(By.cssSelector("tr[data-prefix]")).size(),
        "nor create another");
    open("/console/keys");
    assertFalse(browser.getPageSource().contains(fresh), "a key is shown once");
    browser
        .findElement(By.cssSelector("tr[data-prefix='" + key.substring(0, 12) + "'] button.revoke"))
        .click();
    browser.switchTo().alert().accept();
    awaitFlash("revoked");
    assertEquals(401, api.balanceStatus(key));
    assertEquals(200, api.balanceStatus(fresh));

    open("/console/credits");
    assertTrue(
        Long.parseLong(browser.findElement(By.id("balance")).getText()) < 100,
        "searches were charged");
    shot("credits");
    open("/console/usage");
    assertEquals(14, browser.findElements(By.cssSelector("svg.chart rect")).size());
    shot("usage");
    open("/console/lists");
    browser.findElement(By.name("name")).sendKeys("fraud ring");
    browser.findElement(By.id("create-list")).click();
    awaitElement(By.cssSelector("input[type=file]"))
        .sendKeys(TestData.file(Api.BIDEN).toAbsolutePath().toString());
    browser.findElement(By.cssSelector("input[name=comment]")).sendKeys("seen at the counter");
    browser.findElement(By.cssSelector("button.upload")).click();
    awaitFlash("Face added");
    assertEquals(1, browser.findElements(By.cssSelector(".entry")).size());
    shot("lists");
    browser.manage().window().setSize(new Dimension(390, 844));
    open("/console/sessions");
    shot("sessions-phone");
    browser.manage().window().setSize(new Dimension(1280, 900));

    // sign out: the console is closed again
    browser.findElement(By.id("sign-out")).click();
    awaitUrl("/console/sign-in");
    open("/console/keys");
    awaitUrl("/console/sign-in");
  }

  private static boolean matches(JsonNode faceSearch, String sessionId) {
    for (JsonNode m : faceSearch.get("matches")) {
      if (m.get("session_id").asText().equals(sessionId)) {
        return true;
      }
    }
    return false;
  }

  /** Waits for a navigation (a click returns before the next page has loaded). */
  private static void awaitUrl(String suffix) {
    new WebDriverWait(browser, Duration.ofSeconds(10))
        .until(d -> d.getCurrentUrl().endsWith(suffix));
  }

  /**
   * Waits for a flash message. The flashes are read in one script: an element found before a click's navigation
   * completes belongs to the page being replaced, and reading it afterwards fails (Chrome reports "Node with given id
   * does not belong to the document", not a stale element). A script that runs while the old page unloads may fail
   * as well: the wait retries it.
   */
  private static void awaitFlash(String text) {
    new WebDriverWait(browser, Duration.ofSeconds(10))
        .ignoring(JavascriptException.class)
        .until(d -> flashes(d).contains(text));
  }

  private static String flashes(WebDriver driver) {
    return String.valueOf(
        ((JavascriptExecutor) driver)
            .executeScript(
                "return Array.from(document.querySelectorAll('.flash'), e => e.innerText).join('\\n')"));
  }

  /** Waits for an element of the page a click navigates to: the click may return before that page has loaded. */
  private static WebElement awaitElement(By locator) {
    return new WebDriverWait(browser, Duration.ofSeconds(10))
        .until(ExpectedConditions.presenceOfElementLocated(locator));
  }

  private static void open(String path) {
    browser.get(server.base() + path);
  }

  private static void shot(String name) throws IOException {
    Files.write(
        SHOTS.resolve(name + ".png"),
        ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}
