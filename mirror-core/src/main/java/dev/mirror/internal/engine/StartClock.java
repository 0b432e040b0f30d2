package dev.mirror.internal.engine;

import java.util.StringJoiner;

/** Times the steps of a flow's start, for the one log line that says where the start's time went. */
final class StartClock {
  private final long begin = System.nanoTime();
  private long last = begin;
  private final StringJoiner laps = new StringJoiner(", ");

  /** Ends the step that ran since the last lap (or the start), naming it. */
  void lap(String step) {
    long now = System.nanoTime();
    laps.add(step + " " + (now - last) / 1_000_000 + " ms");
    last = now;
  }

  /** The whole time and each step's, e.g. {@code 840 ms (clients 120 ms, state 310 ms, ...)}. */
  String summary() {
    return (last - begin) / 1_000_000 + " ms (" + laps + ")";
  }
}
