package io.presencegateway.event;

import java.util.Optional;

/**
 * An event id: {@code <epoch millis>-<sequence>}, the format of a Redis Stream entry id, so both
 * stores hand out ids with the same shape and the same order. Ids are the resume cursor of every
 * channel and the {@code webhook-id} of every delivery.
 */
public record EventId(long millis, long sequence) implements Comparable<EventId> {

  public static Optional<EventId> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int dash = text.indexOf('-');
    if (dash <= 0 || dash == text.length() - 1 || text.length() > 41) {
      return Optional.empty();
    }
    try {
      long ms = Long.parseLong(text.substring(0, dash));
      long seq = Long.parseLong(text.substring(dash + 1));
      return ms < 0 || seq < 0 ? Optional.empty() : Optional.of(new EventId(ms, seq));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The next id after {@code last} at time {@code nowMillis}: never goes backwards. */
  public static EventId next(EventId last, long nowMillis) {
    if (last == null || nowMillis > last.millis) {
      return new EventId(nowMillis, 0);
    }
    return new EventId(last.millis, last.sequence + 1);
  }

  @Override
  public int compareTo(EventId o) {
    int c = Long.compare(millis, o.millis);
    return c != 0 ? c : Long.compare(sequence, o.sequence);
  }

  @Override
  public String toString() {
    return millis + "-" + sequence;
  }
}
