package dev.mirror.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FailoverExampleIT {

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void failover_resumesExactlyAfterLastCommit_andReportsIt() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    FailoverExample.Result r = FailoverExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(r.processedOnPrimary()).isGreaterThanOrEqualTo(FailoverExample.PROCESSED_ON_PRIMARY);
    assertThat(r.reRead()).isZero();
    assertThat(r.missing()).isZero();
    assertThat(r.receivedOnBackup()).isEqualTo(FailoverExample.ORDERS - r.processedOnPrimary());
    assertThat(r.report().partitions()).hasSize(4);
    assertThat(r.report().expectedReRead()).isZero();
    assertThat(r.report().unreplicatedRecords()).isZero();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("primary is lost", "0 read twice, 0 missing");
  }
}
