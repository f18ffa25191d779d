package io.presencegateway.loadtool;

import java.util.Arrays;

/** A growable array of primitive longs: event keys per client without boxing 40,000 a second. */
final class LongArray {
  private long[] values;
  private int size;

  LongArray(int initialCapacity) {
    values = new long[Math.max(1, initialCapacity)];
  }

  void add(long value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = value;
  }

  int size() {
    return size;
  }

  long get(int i) {
    return values[i];
  }

  long[] toArray() {
    return Arrays.copyOf(values, size);
  }
}
