package io.ringchat.client.load;

/**
 * What one load run does; filled from the command line by {@link LoadCommand}, where each option's
 * default is declared (picocli sets every field, defaults included).
 */
final class LoadOptions {
  String host;

  /** Set by {@link LoadCommand}: the one given, or the target's default. */
  int port;

  int clients;
  int senders;
  double rate;
  int window;
  int size;
  double warmupSeconds;
  double primeSeconds;
  double durationSeconds;
  int threads;
  String prefix;
  int sourceAddresses;
  Target target;

  /** Members join positioned ({@code JOIN <name> HISTORY 0}, protocol 1.1) and can resume. */
  boolean resume;

  /** With {@link #resume}: each member drops and resumes its connection this often; 0: never. */
  double dropEverySeconds;
}
