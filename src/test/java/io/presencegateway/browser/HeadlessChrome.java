package io.presencegateway.browser;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven through Debian's chromedriver. Both paths are given explicitly
 * so Selenium Manager never tries to download a driver or a browser (the machines have no access
 * to such downloads); every run gets a fresh profile directory, deleted on close.
 */
final class HeadlessChrome implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private final Path profile;
  private final ChromeDriverService service;
  private final ChromeDriver driver;
  private final List<LogEntry> console = new ArrayList<>();

  HeadlessChrome(int width, int height) throws IOException {
    profile = Files.createTempDirectory("pg-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
        .withLogOutput(OutputStreamSink.DISCARD).build();
    driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** True when this machine has the browser and the driver (scripts/test.sh installs both). */
  static boolean installed() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  ChromeDriver driver() {
    return driver;
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Console entries so far (the browser hands each entry out once, so they are kept here). */
  List<LogEntry> console() {
    driver.manage().logs().get(LogType.BROWSER).forEach(console::add);
    return List.copyOf(console);
  }

  /** Console errors so far, except those the caller expects (e.g. refused connections while the gateway is down). */
  List<String> consoleErrors(Predicate<String> expected) {
    return console().stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .filter(expected.negate())
        .toList();
  }

  Path screenshot(String name) throws IOException {
    Path target = Path.of("target", "browser-screenshots", name + ".png");
    Files.createDirectories(target.getParent());
    File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    return target;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      deleteProfile();
    }
  }

  private void deleteProfile() {
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** chromedriver's own log is noise in test output. */
  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink DISCARD = new OutputStreamSink();

    @Override
    public void write(int b) {
      // discarded
    }
  }
}
