package io.presencegateway.http;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps credentials out of log lines. A query parameter is judged by its name <em>after</em>
 * percent-decoding (the server decodes names too, so {@code access%5Ftoken} is an
 * {@code access_token}), in any case, with {@code &} or {@code ;} as separator; if the name looks
 * like a credential (token, key, secret, password, auth, signature, session) its value is replaced
 * by {@code ***}. A name that cannot be decoded is masked too.
 */
public final class Redaction {
  static final String MASK = "***";
  /** name=value pairs in a query string, or anywhere in free text (an exception's message). */
  private static final Pattern PAIR = Pattern.compile("(^|[?&;\\s'\"(<\\[])([^=&;?\\s'\"<>()\\[\\]]+)=([^&;\\s'\"<>()\\[\\]]*)");
  private static final Pattern CREDENTIAL = Pattern.compile("token|key|secret|passw|pwd|auth|sig|session|credential|cookie");

  private Redaction() {
  }

  /** A raw query string with the value of every credential-like parameter replaced. */
  public static String query(String query) {
    return query == null ? null : mask(query);
  }

  /** Any text (an exception message quoting a URL) with credential-like {@code name=value} values replaced. */
  public static String text(String text) {
    return text == null ? null : mask(text);
  }

  private static String mask(String s) {
    Matcher m = PAIR.matcher(s);
    StringBuilder out = new StringBuilder(s.length());
    while (m.find()) {
      String replacement = isCredential(m.group(2)) ? m.group(1) + m.group(2) + "=" + MASK : m.group();
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** True when the (possibly percent-encoded, even twice) name looks like a credential, or cannot be read. */
  static boolean isCredential(String rawName) {
    String name = rawName;
    for (int i = 0; i < 3 && name.indexOf('%') >= 0; i++) {
      String decoded = percentDecode(name);
      if (decoded == null) {
        return true;
      }
      name = decoded;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    return CREDENTIAL.matcher(lower).find() || lower.indexOf('%') >= 0;
  }

  /** Lenient: valid escapes decoded (bytes as Latin-1, enough to read ASCII names); null on a broken escape. */
  private static String percentDecode(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          return null;
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.append((char) (hi * 16 + lo));
        i += 2;
      } else {
        out.append(c == '+' ? ' ' : c);
      }
    }
    return out.toString();
  }
}
