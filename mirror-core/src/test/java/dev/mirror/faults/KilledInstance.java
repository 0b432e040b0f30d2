package dev.mirror.faults;

import dev.mirror.Mirror;
import dev.mirror.testing.ChildJvm;
import java.time.Duration;
import java.util.Map;

/**
 * A host application running one flow in its default configuration, in its own JVM, for {@link SigkillIT}.
 * Arguments: source bootstrap servers, target bootstrap servers, Mirror name, topic, and optionally
 * {@code exactly-once}.
 */
public final class KilledInstance {
  private KilledInstance() {}

  public static void main(String[] args) throws InterruptedException {
    Mirror mirror = Mirror.builder()
        .name(args[2])
        .cluster("primary", Map.of("bootstrap.servers", args[0]))
        .cluster("backup", Map.of("bootstrap.servers", args[1]))
        .flow(f -> f.from("primary").to("backup").topicNames(args[3])
            .exactlyOnce(args.length > 4 && args[4].equals("exactly-once")))
        .build()
        .start();
    System.out.println("started");
    // The test kills the process; should the test JVM go first, the instance ends with it.
    ChildJvm.awaitParent(Duration.ofMinutes(10));
    mirror.close();
  }
}
