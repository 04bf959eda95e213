package io.ringchat.bench.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's connection names and their numbers: each connection joins under a name of its own (a
 * client that reconnects takes a new one), so a {@code MSG <name> <n>} line names exactly one
 * connection's n-th message.
 *
 * <p>Any thread.
 */
final class Names {
  private final Map<String, Integer> ids = new HashMap<>();
  private final List<String> names = new ArrayList<>();

  synchronized int id(String name) {
    Integer id = ids.get(name);
    if (id == null) {
      id = names.size();
      ids.put(name, id);
      names.add(name);
    }
    return id;
  }

  synchronized String name(int id) {
    return names.get(id);
  }
}
