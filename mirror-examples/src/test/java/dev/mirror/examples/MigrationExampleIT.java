package dev.mirror.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class MigrationExampleIT {

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void migration_cutsOverWithZeroLag_groupResumesWithoutLossOrDuplicates() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MigrationExample.Result r = MigrationExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(r.catchUp().readyToCutOver()).isTrue();
    assertThat(r.catchUp().totalLag()).isZero();
    assertThat(r.duplicates()).isZero();
    assertThat(r.missing()).isZero();
    assertThat(r.consumedOnOld() + r.consumedOnNew()).isEqualTo(MigrationExample.ORDERS);
    assertThat(r.topicsOnNew()).containsExactlyInAnyOrder("shop.orders", "shop.payments");
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("cut over: producers and consumers now use 'new'");
  }
}
