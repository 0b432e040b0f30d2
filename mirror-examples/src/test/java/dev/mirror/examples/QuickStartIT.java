package dev.mirror.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class QuickStartIT {

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void quickStart_replicatesEveryRecord_andSaysSo() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long arrived = QuickStart.run(5_000, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(arrived).isEqualTo(5_000);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("Produced 5,000 orders")
        .contains("Done: every order is on backup in 'primary.orders'.");
  }
}
