package io.ringchat.protocol.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The broker flags that turn its flood control and per-address cap off. A test (or the
 * fault-schedule program) that floods from one address, or opens more connections from 127.0.0.1
 * than a public broker allows one address, says so with these, by name; every other test runs with
 * the defaults a public room gets.
 */
public final class FloodControl {
  /**
   * {@code --max-rate}, {@code --max-clients-per-address}, {@code --max-address-rate} and {@code
   * --max-joins-per-address}, all 0.
   */
  public static final List<String> OFF =
      List.of(
          "--max-rate=0",
          "--max-clients-per-address=0",
          "--max-address-rate=0",
          "--max-joins-per-address=0");

  private FloodControl() {}

  /** {@code flags}, then {@link #OFF}. */
  public static String[] off(String... flags) {
    List<String> all = new ArrayList<>(Arrays.asList(flags));
    all.addAll(OFF);
    return all.toArray(new String[0]);
  }
}
