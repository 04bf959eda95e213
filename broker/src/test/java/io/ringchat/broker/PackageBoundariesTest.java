package io.ringchat.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The room is a state machine that knows nothing of sockets or rings: nothing in {@code
 * broker.room} names the I/O side, the ring or a Netty channel, whether imported or written out in
 * full. (The room may use Netty's buffers: frames are built once and shared by reference.)
 */
class PackageBoundariesTest {
  private static final Path ROOM = Path.of("src/main/java/io/ringchat/broker/room");

  @Test
  void shouldKeepTheRoomFreeOfNetRingAndChannels() throws IOException {
    List<Path> sources;
    try (Stream<Path> files = Files.list(ROOM)) {
      sources = files.filter(f -> f.toString().endsWith(".java")).toList();
    }
    assertThat(sources)
        .as("the room's sources, read from the module directory")
        .hasSizeGreaterThan(5);
    for (Path source : sources) {
      String code = Files.readString(source, StandardCharsets.UTF_8);
      assertThat(code)
          .as(source.toString())
          .doesNotContain("io.ringchat.broker.net")
          .doesNotContain("io.ringchat.broker.ring")
          .doesNotContain("io.netty.channel");
    }
  }
}
