package io.ringchat.client.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The generator's line ends, found by skipping its messages' texts, are the ends a scan for every
 * {@code '\n'} finds: in streams of its own lines, version 1 and positioned, mixed with other
 * frames and other members' messages, cut at every point a read could end.
 */
class LineEndsTest {
  private final Random random = new Random(20261206);
  private final LineEnds lineEnds = new LineEnds();
  private int seqsRead;

  @Test
  void shouldEndEveryLineWhereAScanForTheNewlineEndsIt() {
    for (int round = 0; round < 300; round++) {
      int size = MessageText.FIELDS_LENGTH + random.nextInt(3) * random.nextInt(40);
      byte[] stream = stream(size, 1 + random.nextInt(12));
      for (int end = 0; end <= stream.length; end++) {
        assertSameLines(stream, end, size);
      }
    }
    assertThat(seqsRead).as("POST lines whose seq was read on the way").isPositive();
  }

  @Test
  void shouldEndAGeneratorsMessageAfterItsTextWithoutScanningIt() {
    byte[] text = new byte[40];
    MessageText.write(text, text.length, 7, 12, 99);
    byte[] line = concat("POST 1234 1764770000123 load-7 ", text, "\n");
    assertThat(lineEnds.find(line, 0, line.length, text.length)).isEqualTo(line.length - 1);
    assertThat(lineEnds.seq()).isEqualTo(1234);
    // A text of another length, or without the generator's fields, is scanned like any line.
    assertThat(lineEnds.find(line, 0, line.length, text.length - 1)).isEqualTo(line.length - 1);
    byte[] foreign =
        "MSG bob hello there, anyone here today? x\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(lineEnds.find(foreign, 0, foreign.length, 32)).isEqualTo(foreign.length - 1);
  }

  @Test
  void shouldWaitForTheRestOfALineCutInItsFieldsOrItsText() {
    byte[] text = new byte[32];
    MessageText.write(text, text.length, 1, 2, 3);
    byte[] line = concat("MSG load-1 ", text, "\n");
    for (int end = 0; end < line.length; end++) {
      assertThat(lineEnds.find(line, 0, end, text.length)).as("cut at %d", end).isEqualTo(-1);
    }
  }

  private void assertSameLines(byte[] a, int end, int size) {
    int start = 0;
    while (start < end) {
      int expected = naiveIndexOf(a, start, end);
      String what = "line at " + start + " of " + new String(a, StandardCharsets.US_ASCII);
      assertThat(lineEnds.find(a, start, end, size))
          .as("%s cut at %d", what, end)
          .isEqualTo(expected);
      long seq = lineEnds.seq();
      if (seq >= 0 && expected >= 0) {
        // Read on the way: the POST line's room seq, as its digits say.
        String line = new String(a, start, expected - start, StandardCharsets.US_ASCII);
        assertThat(line).as(what).startsWith("POST " + seq + " ");
        seqsRead++;
      }
      if (expected < 0) {
        return;
      }
      start = expected + 1;
    }
  }

  /** A broker's output as a generator's member could read it: lines of every kind, in any order. */
  private byte[] stream(int size, int lines) {
    List<byte[]> parts = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      byte[] text = new byte[size];
      MessageText.write(text, size, random.nextInt(1000), random.nextInt(), random.nextLong());
      String name = "load-" + random.nextInt(1000);
      // Room seqs of 1 to 19 digits; times of 13 digits, as the broker's, or any other length.
      String seq = Long.toString(random.nextLong() >>> random.nextInt(64));
      String time = random.nextInt(4) > 0 ? "1764770000123" : Long.toString(random.nextLong());
      parts.add(
          switch (random.nextInt(8)) {
            case 0, 1 -> concat("MSG " + name + " ", text, "\n");
            case 2, 3 -> concat("POST " + seq + " " + time + " " + name + " ", text, "\n");
            case 4 -> line("MSG " + name + " " + foreignText());
            case 5 -> line("POST " + seq + " " + time + " " + name + " " + foreignText());
            case 6 -> line(random.nextBoolean() ? "SENT " + seq : "JOINED " + name);
            default -> line(random.nextBoolean() ? "MSG" : "POST " + seq); // malformed: no text
          });
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }

  /** Another member's text: at least 16 bytes without the generator's field separators. */
  private String foreignText() {
    StringBuilder text = new StringBuilder();
    int length = 16 + random.nextInt(80);
    for (int i = 0; i < length; i++) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }

  private static byte[] line(String line) {
    return (line + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(String head, byte[] text, String tail) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(text);
    out.writeBytes(tail.getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  private static int naiveIndexOf(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
