package io.ringchat.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * An option whose value names an enum constant the way people type it: lower case, words joined by
 * {@code -} ({@code BUSY_SPIN} is {@code busy-spin}), any case accepted. Subclass it once per enum
 * with a no-argument constructor, for picocli.
 */
public abstract class EnumOption<E extends Enum<E>> implements CommandLine.ITypeConverter<E> {
  private final Class<E> type;
  private final String what;

  /**
   * @param what what a value is, for the error message ("a wait strategy")
   */
  protected EnumOption(Class<E> type, String what) {
    this.type = type;
    this.what = what;
  }

  /** How {@code value} is written on the command line. */
  public static String optionName(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @Override
  public E convert(String value) {
    for (E constant : type.getEnumConstants()) {
      if (optionName(constant).equals(value.toLowerCase(Locale.ROOT))) {
        return constant;
      }
    }
    String choices =
        Arrays.stream(type.getEnumConstants())
            .map(EnumOption::optionName)
            .collect(Collectors.joining(", "));
    throw new CommandLine.TypeConversionException(
        "'" + value + "' is not " + what + "; use one of " + choices);
  }
}
