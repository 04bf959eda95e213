package io.ringchat.protocol.testing.property;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A generator: builds a value from {@link Choices}. A test composes its own with a lambda ({@code c
 * -> new Case(lines.draw(c), flag.draw(c))}); the factories here cover what the project's
 * properties need, each biased the way bugs are found (edges, encodings, separators) and each
 * simplest at choice 0.
 */
@FunctionalInterface
public interface Gen<T> {
  /** Rejections in a row after which {@link #filter} gives up instead of looping for ever. */
  int FILTER_ATTEMPTS = 100;

  T draw(Choices choices);

  default <R> Gen<R> map(Function<? super T, ? extends R> function) {
    return c -> function.apply(draw(c));
  }

  /** Draws again until {@code accept} holds; prefer a generator that only makes such values. */
  default Gen<T> filter(Predicate<? super T> accept) {
    return c -> {
      for (int i = 0; i < FILTER_ATTEMPTS; i++) {
        T value = draw(c);
        if (accept.test(value)) {
          return value;
        }
      }
      throw new GenerationFailed("the filter refused " + FILTER_ATTEMPTS + " values in a row");
    };
  }

  /** Thrown when a generator cannot make a value (a replayed stream no filter accepts). */
  final class GenerationFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GenerationFailed(String message) {
      super(message);
    }
  }

  static <T> Gen<T> constant(T value) {
    return c -> value;
  }

  /** An int in {@code [min, max]}, simplest at {@code min}. */
  static Gen<Integer> ints(int min, int max) {
    if (max < min) {
      throw new IllegalArgumentException(min + " > " + max);
    }
    long span = (long) max - min + 1;
    if (span > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("range too wide: " + min + ".." + max);
    }
    return c -> min + c.draw((int) span);
  }

  static Gen<Boolean> booleans() {
    return c -> c.draw(2) == 1;
  }

  /** True once in {@code n} draws; false is the simpler answer. */
  static Gen<Boolean> oneIn(int n) {
    return c -> c.draw(n) == n - 1;
  }

  /** One of {@code values}, simplest the first. */
  @SafeVarargs
  static <T> Gen<T> element(T... values) {
    List<T> copy = new ArrayList<>();
    for (T value : values) {
      copy.add(value);
    }
    return c -> copy.get(c.draw(copy.size()));
  }

  /** One of {@code gens}, equally likely, simplest the first. */
  @SafeVarargs
  static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
    List<Gen<? extends T>> copy = new ArrayList<>();
    for (Gen<? extends T> gen : gens) {
      copy.add(gen);
    }
    return c -> copy.get(c.draw(copy.size())).draw(c);
  }

  /** A weighted choice: {@code weight, gen, weight, gen, ...}; simplest the first. */
  static <T> Gen<T> frequency(Object... weightsAndGens) {
    int n = weightsAndGens.length / 2;
    int[] cumulative = new int[n];
    List<Gen<? extends T>> gens = new ArrayList<>();
    int total = 0;
    for (int i = 0; i < n; i++) {
      total += (Integer) weightsAndGens[2 * i];
      cumulative[i] = total;
      @SuppressWarnings("unchecked")
      Gen<? extends T> gen = (Gen<? extends T>) weightsAndGens[2 * i + 1];
      gens.add(gen);
    }
    int sum = total;
    return c -> {
      int pick = c.draw(sum);
      int i = 0;
      while (pick >= cumulative[i]) {
        i++;
      }
      return gens.get(i).draw(c);
    };
  }

  /**
   * A list of at most {@code maxSize}: before each element a continue flag (0 stops), so that
   * lengths average half the maximum and deleting an element's draws deletes the element.
   */
  static <T> Gen<List<T>> listOf(Gen<? extends T> element, int maxSize) {
    int keepGoing = Math.max(2, maxSize / 2 + 1);
    return c -> {
      List<T> out = new ArrayList<>();
      while (out.size() < maxSize) {
        int start = c.position();
        if (c.draw(keepGoing) == 0) {
          break;
        }
        out.add(element.draw(c));
        c.span(start);
      }
      return out;
    };
  }

  /** A string of at most {@code maxChars} UTF-16 units, each from {@code chars}. */
  static Gen<String> strings(Gen<Character> chars, int maxChars) {
    return listOf(chars, maxChars)
        .map(
            list -> {
              StringBuilder out = new StringBuilder(list.size());
              list.forEach(out::append);
              return out.toString();
            });
  }

  /** A string of at most {@code maxCodePoints} code points from {@code codePoints}. */
  static Gen<String> stringsOfCodePoints(Gen<Integer> codePoints, int maxCodePoints) {
    return listOf(codePoints, maxCodePoints)
        .map(
            list -> {
              StringBuilder out = new StringBuilder();
              list.forEach(out::appendCodePoint);
              return out.toString();
            });
  }

  /** Characters from {@code from} to {@code to}, both included. */
  static Gen<Character> charRange(char from, char to) {
    return ints(from, to).map(i -> (char) i.intValue());
  }

  /** One of the characters of {@code chars}. */
  static Gen<Character> charsOf(String chars) {
    return ints(0, chars.length() - 1).map(chars::charAt);
  }

  /**
   * Any UTF-16 unit, biased towards what text rules trip on: ASCII, C0 and C1 controls, Latin-1,
   * the rest of the BMP, and lone surrogates.
   */
  static Gen<Character> anyChar() {
    return frequency(
        4, charRange(' ', '~'),
        1, charRange('\u0000', '\u001f'),
        1, charRange('\u007f', '\u009f'),
        2, charRange('\u00a0', '\u00ff'),
        3, charRange('\u0100', '\uffff'),
        1, charRange('\ud800', '\udfff'));
  }

  /**
   * Any code point, biased as {@link #anyChar} plus supplementary planes (emoji) and lone
   * surrogates, which have no UTF-8 form.
   */
  static Gen<Integer> anyCodePoint() {
    return frequency(
        8, anyChar().map(ch -> (int) ch),
        2, ints(0x1_0000, 0x1_FFFF),
        1, ints(0x2_0000, Character.MAX_CODE_POINT));
  }

  /**
   * Byte strings of at most about {@code maxBytes}, assembled from pieces that make UTF-8 decoders
   * work: any byte, the encoding of a random code point, such an encoding cut short, the bytes that
   * begin or continue a sequence or are never valid, and sequences just outside what UTF-8 allows.
   */
  static Gen<byte[]> utf8ish(int maxBytes) {
    Gen<byte[]> anyByte = ints(0, 255).map(b -> new byte[] {(byte) b.intValue()});
    Gen<byte[]> edge =
        element(
                0x00, 0x09, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5,
                0xff)
            .map(b -> new byte[] {(byte) b.intValue()});
    Gen<byte[]> encoded =
        anyCodePoint()
            .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
            .map(cp -> new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
    Gen<byte[]> cut =
        c -> {
          byte[] whole = encoded.draw(c);
          return Arrays.copyOf(whole, c.draw(whole.length));
        };
    // A lead byte at a boundary of what is allowed (overlong, surrogate, above U+10FFFF, never
    // valid) with as many continuation bytes as it announces.
    Gen<byte[]> nearMiss =
        c -> {
          int lead = element(0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5).draw(c);
          byte[] out = new byte[lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4];
          out[0] = (byte) lead;
          for (int i = 1; i < out.length; i++) {
            out[i] = (byte) (0x80 + c.draw(0x40));
          }
          return out;
        };
    Gen<byte[]> piece = frequency(4, encoded, 3, anyByte, 2, edge, 1, cut, 2, nearMiss);
    return listOf(piece, Math.max(1, maxBytes / 2))
        .map(
            pieces -> {
              int length = pieces.stream().mapToInt(p -> p.length).sum();
              byte[] out = new byte[Math.min(length, maxBytes)];
              int at = 0;
              for (byte[] p : pieces) {
                int n = Math.min(p.length, out.length - at);
                System.arraycopy(p, 0, out, at, n);
                at += n;
              }
              return out;
            });
  }
}
