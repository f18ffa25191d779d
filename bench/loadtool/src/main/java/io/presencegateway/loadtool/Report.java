package io.presencegateway.loadtool;

import java.util.List;
import java.util.Locale;

/** Markdown pieces for the fan-out report: table lines and numbers as a reader wants them. */
final class Report {
  private Report() {
  }

  /** A table: the header, its separator, then the rows; every cell already formatted. */
  static String table(List<String> header, List<List<String>> rows) {
    StringBuilder out = new StringBuilder(line(header)).append("|---".repeat(header.size())).append("|\n");
    rows.forEach(r -> out.append(line(r)));
    return out.toString();
  }

  private static String line(List<String> cells) {
    return "| " + String.join(" | ", cells) + " |\n";
  }

  /** Thousands separated, at most two decimals, no trailing zeros; null as "-". */
  static String num(Double v) {
    if (v == null || v.isNaN()) {
      return "-";
    }
    double abs = Math.abs(v);
    String pattern = abs >= 100 ? "%,.0f" : abs >= 10 ? "%,.1f" : "%,.2f";
    String s = String.format(Locale.ROOT, pattern, v);
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  static String num(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }

  /** ours / theirs, as "1.23×", or "-" when either is missing or theirs is zero. */
  static String ratio(Double ours, Double theirs) {
    Double r = ratioValue(ours, theirs);
    return r == null ? "-" : num(r) + "×";
  }

  static Double ratioValue(Double ours, Double theirs) {
    return ours == null || theirs == null || theirs == 0 ? null : Run.round(ours / theirs, 2);
  }
}
