package io.ringchat.client.load;

/** What one load run does; filled from the command line by {@link LoadCommand}. */
final class LoadOptions {
  String host = "127.0.0.1";

  /** Set by {@link LoadCommand}: the one given, or the target's default. */
  int port;

  int clients = 100;
  int senders = 100;
  double rate;
  int window = 64;
  int size = 64;
  double warmupSeconds = 2;
  double durationSeconds = 5;
  int threads = 1;
  String prefix = "load-";
  int sourceAddresses = 1;
  Target target = Target.RINGCHAT;
}
