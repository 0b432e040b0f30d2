package dev.mirror.scaleout;

import dev.mirror.FlowStatus;
import dev.mirror.Mirror;
import java.time.Duration;
import java.util.Map;

/**
 * One instance of a host application sharing a flow with others, run in its own JVM by {@link ScaleOutIT}.
 * Arguments: source bootstrap servers, target bootstrap servers, Mirror name, topic pattern, and optionally
 * {@code exactly-once}. It prints its
 * flow's status every 500 ms and closes the Mirror on SIGTERM.
 */
public final class ScaleOutInstance {
  private ScaleOutInstance() {}

  public static void main(String[] args) throws InterruptedException {
    System.setProperty("org.slf4j.simpleLogger.log.dev.mirror", "info");
    Mirror mirror = Mirror.builder()
        .name(args[2])
        .cluster("primary", Map.of("bootstrap.servers", args[0]))
        .cluster("backup", Map.of("bootstrap.servers", args[1]))
        .operationTimeout(Duration.ofSeconds(10))
        .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
        .flow(f -> f.from("primary").to("backup").topics(args[3]).scaleOut(true)
            .commitInterval(Duration.ofMillis(200)).replicateHeartbeats(false)
            .exactlyOnce(args.length > 4 && args[4].equals("exactly-once")))
        .build()
        .start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> mirror.close(Duration.ofSeconds(20))));
    // Bounded: the test kills or stops the instance long before.
    for (int i = 0; i < 2 * 60 * 10; i++) {
      FlowStatus status = mirror.status().flow("primary->backup").orElseThrow();
      System.out.println("status state=" + status.state() + " partitions=" + status.partitions() + " replicated="
          + status.recordsReplicated());
      Thread.sleep(500);
    }
    mirror.close(Duration.ofSeconds(20));
  }
}
