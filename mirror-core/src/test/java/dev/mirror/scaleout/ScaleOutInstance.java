package dev.mirror.scaleout;

import dev.mirror.FlowStatus;
import dev.mirror.Mirror;
import dev.mirror.testing.ChildJvm;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
    ScheduledExecutorService printer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "status-printer");
      t.setDaemon(true);
      return t;
    });
    printer.scheduleAtFixedRate(() -> {
      FlowStatus status = mirror.status().flow("primary->backup").orElseThrow();
      System.out.println("status state=" + status.state() + " partitions=" + status.partitions() + " replicated="
          + status.recordsReplicated());
    }, 0, 500, TimeUnit.MILLISECONDS);
    // The test stops or kills the instance; should the test JVM go first, the instance ends with it.
    ChildJvm.awaitParent(Duration.ofMinutes(10));
    printer.shutdownNow();
    mirror.close(Duration.ofSeconds(20));
  }
}
