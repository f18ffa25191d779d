package io.presencegateway.bench;

/** One scrape of the Prometheus text format, read by series name and a label substring. */
final class PromText {
  private final String text;

  PromText(String text) {
    this.text = text;
  }

  /** Sum of the samples named {@code name} whose label set contains {@code labels} ("" = any); 0 if none. */
  double value(String name, String labels) {
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name)) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String series = brace >= 0 ? line.substring(0, brace) : line.substring(0, space);
      String labelSet = brace >= 0 ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
      if (series.equals(name) && labelSet.contains(labels)) {
        double v = Double.parseDouble(line.substring(space + 1));
        if (!Double.isNaN(v)) {
          sum += v;
        }
      }
    }
    return sum;
  }

  double value(String name) {
    return value(name, "");
  }
}
