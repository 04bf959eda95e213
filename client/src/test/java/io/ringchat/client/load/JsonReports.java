package io.ringchat.client.load;

/** Reads the load generator's one-line JSON report in tests, without a JSON library. */
final class JsonReports {
  private JsonReports() {}

  /** The non-negative integer value of top-level {@code field} in {@code json}. */
  static long number(String json, String field) {
    int at = json.indexOf("\"" + field + "\":") + field.length() + 3;
    int end = at;
    while (Character.isDigit(json.charAt(end))) {
      end++;
    }
    return Long.parseLong(json.substring(at, end));
  }
}
