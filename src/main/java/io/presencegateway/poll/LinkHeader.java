package io.presencegateway.poll;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds the {@code rel="next"} target in RFC 8288 {@code Link} header values (Webex paging). */
final class LinkHeader {
  private static final Pattern LINK = Pattern.compile("<([^>]*)>((?:\\s*;\\s*[^,;<]*)*)");
  private static final Pattern REL_NEXT = Pattern.compile(";\\s*rel\\s*=\\s*\"?([^\";]*)\"?");

  private LinkHeader() {
  }

  /** The next-page URL as written (possibly relative), or null when there is none. */
  static String next(List<String> values) {
    for (String value : values) {
      Matcher link = LINK.matcher(value);
      while (link.find()) {
        if (isNext(link.group(2))) {
          return link.group(1).trim();
        }
      }
    }
    return null;
  }

  private static boolean isNext(String params) {
    Matcher rel = REL_NEXT.matcher(params);
    while (rel.find()) {
      for (String token : rel.group(1).trim().split("\\s+")) {
        if (token.toLowerCase(Locale.ROOT).equals("next")) {
          return true;
        }
      }
    }
    return false;
  }
}
