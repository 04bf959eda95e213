package io.ringchat.protocol.testing;

/**
 * What integration test classes share when the build runs them two at a time (the failsafe
 * configuration in the parent pom). A class that loads the machine takes {@link #CPU} with JUnit's
 * {@code @ResourceLock}, so that two such classes never run together, while classes that mostly
 * wait run beside them; a class that measures this JVM (its heap, its descriptors) or times a
 * cluster is {@code @Isolated} and runs alone.
 */
public final class ItResources {
  /** Most of the machine's CPU for the time the class runs. */
  public static final String CPU = "ringchat.cpu";

  private ItResources() {}
}
