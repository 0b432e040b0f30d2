package dev.mirror.bench;

import dev.mirror.testing.EmbeddedKafkaCluster;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's broker process: starts two single-node KRaft clusters ({@code source} and {@code target}, bound
 * to 127.0.0.1) in this JVM, prints {@code BOOTSTRAP source <servers>}, {@code BOOTSTRAP target <servers>} and
 * {@code READY} to standard output, and runs until its standard input is closed (or at most
 * {@code maxMinutes}, default 240), then closes both clusters, deleting their data.
 *
 * <pre>ClusterHost [maxMinutes]</pre>
 */
public final class ClusterHost {
  private ClusterHost() {}

  /**
   * Runs the clusters.
   *
   * @param args {@code [maxMinutes]}
   * @throws Exception when a cluster cannot start
   */
  public static void main(String[] args) throws Exception {
    Duration maxLifetime = Duration.ofMinutes(args.length > 0 ? Long.parseLong(args[0]) : 240);
    Map<String, String> broker = Map.of(
        // Keep every record of the race; segments of 256 MiB so deleted topics free their space at once.
        "log.segment.bytes", Integer.toString(256 * 1024 * 1024),
        "log.retention.ms", "-1",
        "log.retention.bytes", "-1",
        // Deleted topics (every race's target) leave the disk at once instead of 60 s later, mid-way through
        // another contestant's race.
        "file.delete.delay.ms", "1000");
    try (EmbeddedKafkaCluster source = EmbeddedKafkaCluster.start("source", broker);
        EmbeddedKafkaCluster target = EmbeddedKafkaCluster.start("target", broker)) {
      System.out.println("BOOTSTRAP source " + source.bootstrapServers());
      System.out.println("BOOTSTRAP target " + target.bootstrapServers());
      System.out.println("READY");
      System.out.flush();
      CountDownLatch stdinClosed = new CountDownLatch(1);
      Thread reader = new Thread(() -> {
        try {
          byte[] buffer = new byte[256];
          while (System.in.read(buffer) >= 0) {
            // ignore input; end of input is the stop signal
          }
        } catch (IOException e) {
          // the parent is gone: stop as well
        } finally {
          stdinClosed.countDown();
        }
      }, "cluster-host-stdin");
      reader.setDaemon(true);
      reader.start();
      if (!stdinClosed.await(maxLifetime.toMillis(), TimeUnit.MILLISECONDS)) {
        System.err.println("cluster host: stopping after its maximum lifetime of " + maxLifetime);
      }
    }
    System.out.println("STOPPED");
    System.out.flush();
    System.exit(0);
  }
}
