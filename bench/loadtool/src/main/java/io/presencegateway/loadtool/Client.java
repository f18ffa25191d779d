package io.presencegateway.loadtool;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * One subscriber connection (SSE or WebSocket). Lives on one event loop: everything but the
 * volatile flags is touched from that loop only, and read by the coordinator after
 * {@link #freeze()} ran there. Records the keys of the window's events it received, in arrival
 * order, for the loss accounting; never reconnects (a lost connection is a lost client).
 */
abstract class Client {
  final int index;
  final Context context;
  final Target target;
  final Measurement measurement;
  private final LongArray windowKeys = new LongArray(64);
  private long connectMicros = -1;
  private String failure;
  private long received;
  private volatile boolean drained;
  private volatile boolean greeted;
  private volatile boolean closed;
  private boolean frozen;

  Client(int index, Context context, Target target, Measurement measurement) {
    this.index = index;
    this.context = context;
    this.target = target;
    this.measurement = measurement;
  }

  abstract String transport();

  /** Opens the connection on this client's event loop; completes once the stream is established. */
  Future<Void> connect() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      long started = System.nanoTime();
      open().onComplete(ar -> {
        if (ar.succeeded()) {
          connectMicros = (System.nanoTime() - started) / 1_000;
          done.tryComplete();
        } else {
          failure = String.valueOf(ar.cause().getMessage());
          done.tryFail(ar.cause());
        }
      });
    });
    return done.future();
  }

  /** Transport-specific: TCP connect, request or handshake; handlers installed. */
  abstract Future<Void> open();

  /** Some message arrived (for the gateway: its snapshot, sent once the subscription is live). */
  final void greeted() {
    greeted = true;
  }

  boolean isGreeted() {
    return greeted;
  }

  /** A parsed live event arrived at {@code arrivalMicros}. */
  final void deliver(Delivery d, long arrivalMicros) {
    if (frozen) {
      return;
    }
    received++;
    if (d.key() == Envelopes.NONE || d.timestampMillis() == Envelopes.NONE) {
      measurement.unparseable();
      return;
    }
    switch (measurement.place(d.timestampMillis())) {
      case -1 -> {
        if (index < 4) { // a few clients suffice to know the last event before the window
          measurement.noteBeforeWindow(d.key());
        }
      }
      case 0 -> {
        windowKeys.add(d.key());
        measurement.recordLatency(arrivalMicros, d.timestampMillis());
        measurement.recordEnvelopeBytes(d.envelopeBytes());
      }
      default -> drained = true; // streams are ordered: an event after the window means all before it are in
    }
  }

  /** The connection ended (peer close, reset, error). Counted once, and only while measuring. */
  final void onClosed() {
    if (!closed) {
      closed = true;
      if (!frozen && connectMicros >= 0) {
        measurement.disconnected();
      }
    }
  }

  /** Stops recording; run on this client's event loop so that the coordinator then reads settled data. */
  final void freeze() {
    frozen = true;
  }

  boolean connected() {
    return connectMicros >= 0;
  }

  /** Nothing more of the window can arrive: it saw a later event, or its connection is gone. */
  boolean settled() {
    return drained || closed;
  }

  boolean closed() {
    return closed;
  }

  long connectMicros() {
    return connectMicros;
  }

  String failure() {
    return failure;
  }

  long received() {
    return received;
  }

  LongArray windowKeys() {
    return windowKeys;
  }
}
