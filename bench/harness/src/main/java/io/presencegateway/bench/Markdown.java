package io.presencegateway.bench;

import java.util.List;

/** A GitHub-flavoured markdown table. */
final class Markdown {
  private Markdown() {
  }

  static String table(List<String> header, List<List<String>> rows) {
    StringBuilder out = new StringBuilder();
    row(out, header);
    out.append('|');
    header.forEach(h -> out.append("---|"));
    out.append('\n');
    rows.forEach(r -> row(out, r));
    return out.toString();
  }

  private static void row(StringBuilder out, List<String> cells) {
    out.append('|');
    cells.forEach(c -> out.append(' ').append(c).append(" |"));
    out.append('\n');
  }

  /** A number without a trailing ".0". */
  static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
