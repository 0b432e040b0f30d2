package dev.mirror.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.mirror.testing.Await;
import dev.mirror.testing.EmbeddedKafkaCluster;
import dev.mirror.testing.KafkaTestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link MirrorRunner} against two embedded clusters, A and B, started once for the class: in-process
 * through {@link MirrorRunner#run}, and as a child JVM that is stopped with SIGTERM or refuses a bad file. Child
 * JVMs also prove that values given through the config providers declared at the top level of the file
 * ({@code ${env:...}} from the child's environment, {@code ${file:...}} from a properties file) are resolved.
 */
class MirrorRunnerIT {

  private static final Duration REPLICATION_TIMEOUT = Duration.ofSeconds(90);
  private static final int RECORDS = 30;

  private static EmbeddedKafkaCluster a;
  private static EmbeddedKafkaCluster b;

  @TempDir
  Path dir;

  @BeforeAll
  static void startClusters() {
    a = EmbeddedKafkaCluster.start("A");
    b = EmbeddedKafkaCluster.start("B");
  }

  @AfterAll
  static void stopClusters() {
    try {
      if (a != null) {
        a.close();
      }
    } finally {
      if (b != null) {
        b.close();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // in-process

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void run_seedsStyleFile_replicatesRecordByRecordAndStopsCleanly() throws Exception {
    String topic = KafkaTestData.uniqueName("orders");
    KafkaTestData.createTopic(a, topic, 2);
    KafkaTestData.produce(a, topic, records(topic, 0, RECORDS));
    Path file = write("seeds.properties", String.join("\n",
        "# seeds-style mm2.properties",
        "name = runner-it-inprocess",
        "clusters = A, B",
        "A.bootstrap.servers = " + a.bootstrapServers(),
        "B.bootstrap.servers = " + b.bootstrapServers(),
        "A.security.protocol = PLAINTEXT",
        "A->B.enabled = true",
        "A->B.topics = orders.*",
        "refresh.topics.interval.seconds = 1",
        "A.consumer.max.poll.records = 100",
        "A.client.dns.lookup = use_all_dns_ips",
        "B.producer.compression.type = lz4",
        "B.request.timeout.ms = 20000",
        "mirror.favourite.colour = blue",
        ""));
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    CountDownLatch stop = new CountDownLatch(1);
    AtomicInteger exitCode = new AtomicInteger(-1);
    Thread runner = new Thread(
        () -> exitCode.set(MirrorRunner.run(new String[] {file.toString()}, out, err, stop)), "runner-it");
    runner.start();
    try {
      awaitReplicated(topic, RECORDS);
      KafkaTestData.produce(a, topic, records(topic, RECORDS, 2 * RECORDS));
      awaitReplicated(topic, 2 * RECORDS);
    } finally {
      stop.countDown();
      runner.join(TimeUnit.SECONDS.toMillis(45));
    }

    assertThat(runner.isAlive()).as("runner thread still alive 45 s after the stop signal").isFalse();
    String stdout = outBytes.toString(StandardCharsets.UTF_8);
    String stderr = errBytes.toString(StandardCharsets.UTF_8);
    assertThat(exitCode.get()).as("exit code; stdout:%n%s%nstderr:%n%s", stdout, stderr).isEqualTo(0);
    assertThat(stderr).contains("warning: unknown key 'mirror.favourite.colour' ignored");
    assertThat(stdout)
        .contains("Mirror 'runner-it-inprocess' started from '" + file + "': flows [A->B]")
        .contains("Mirror 'runner-it-inprocess' stopped cleanly");
  }

  // ---------------------------------------------------------------------------------------------------------
  // child JVM: configuration errors

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void main_enabledFlowWithUndefinedAlias_exitsWithCode2NamingKey() throws Exception {
    assertChildRejects(String.join("\n",
        "clusters = A, B",
        "A.bootstrap.servers = 127.0.0.1:1",
        "B.bootstrap.servers = 127.0.0.1:2",
        "A->C.enabled = true",
        ""),
        "A->C.enabled: unknown target cluster 'C', not in clusters [A, B]; add it to clusters or fix the key");
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void main_missingBootstrapServers_exitsWithCode2NamingKey() throws Exception {
    assertChildRejects(String.join("\n",
        "clusters = A, B",
        "A.bootstrap.servers = 127.0.0.1:1",
        "A->B.enabled = true",
        ""),
        "B.bootstrap.servers is missing: cluster 'B' is used by flows [A->B]; add 'B.bootstrap.servers = "
            + "host:9092'");
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void main_invalidTopicsRegex_exitsWithCode2NamingKeyAndRegex() throws Exception {
    assertChildRejects(String.join("\n",
        "clusters = A, B",
        "A.bootstrap.servers = 127.0.0.1:1",
        "B.bootstrap.servers = 127.0.0.1:2",
        "A->B.enabled = true",
        "A->B.topics = orders.*, pay(ments",
        ""),
        "A->B.topics: 'pay(ments' is not a valid Java regular expression");
  }

  // ---------------------------------------------------------------------------------------------------------
  // child JVM: SIGTERM

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void main_sigtermWhileReplicating_stopsCleanlyWithExitCode0() throws Exception {
    String topic = KafkaTestData.uniqueName("shipments");
    KafkaTestData.createTopic(a, topic, 3);
    KafkaTestData.produce(a, topic, records(topic, 0, RECORDS));
    Path file = write("child.properties", String.join("\n",
        "name = runner-it-child",
        "clusters = A, B",
        "A.bootstrap.servers = " + a.bootstrapServers(),
        "B.bootstrap.servers = " + b.bootstrapServers(),
        "A->B.enabled = true",
        "A->B.topics = shipments.*",
        "refresh.topics.interval.seconds = 1",
        ""));
    Path stdout = dir.resolve("child.out");
    Path stderr = dir.resolve("child.err");
    Process process = child(file, stdout, stderr);
    try {
      awaitReplicated(topic, RECORDS);
      process.destroy(); // SIGTERM on Unix
      assertThat(process.waitFor(30, TimeUnit.SECONDS))
          .as("child exited within 30 s of SIGTERM; stdout:%n%s%nstderr:%n%s", read(stdout), read(stderr))
          .isTrue();
      assertThat(process.exitValue())
          .as("exit code; stdout:%n%s%nstderr:%n%s", read(stdout), read(stderr))
          .isEqualTo(0);
      assertThat(read(stdout)).contains("Mirror 'runner-it-child' stopped cleanly");
    } finally {
      kill(process);
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // child JVM: config providers declared at the top level of the file

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void main_bootstrapServersAndTopicsFromEnvironmentVariables_replicates() throws Exception {
    String topic = KafkaTestData.uniqueName("env");
    KafkaTestData.createTopic(a, topic, 2);
    KafkaTestData.produce(a, topic, records(topic, 0, RECORDS));
    Path file = write("env.properties", String.join("\n",
        "name = runner-it-env",
        "config.providers = env",
        "config.providers.env.class = org.apache.kafka.common.config.provider.EnvVarConfigProvider",
        "clusters = A, B",
        "A.bootstrap.servers = ${env:MIRROR_IT_A_BOOTSTRAP}",
        "B.bootstrap.servers = ${env:MIRROR_IT_B_BOOTSTRAP}",
        "A->B.enabled = true",
        "A->B.topics = ${env:MIRROR_IT_TOPICS}",
        "refresh.topics.interval.seconds = 1",
        ""));
    Map<String, String> env = Map.of(
        "MIRROR_IT_A_BOOTSTRAP", a.bootstrapServers(),
        "MIRROR_IT_B_BOOTSTRAP", b.bootstrapServers(),
        "MIRROR_IT_TOPICS", topic);

    assertChildReplicatesAndStops(file, env, topic, "runner-it-env");
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void main_bootstrapServersAndTopicsFromAFile_replicates() throws Exception {
    String topic = KafkaTestData.uniqueName("file");
    KafkaTestData.createTopic(a, topic, 2);
    KafkaTestData.produce(a, topic, records(topic, 0, RECORDS));
    Path values = write("mirror-values.properties", String.join("\n",
        "a.bootstrap = " + a.bootstrapServers(),
        "b.bootstrap = " + b.bootstrapServers(),
        "topics = " + topic,
        "tasks = 2",
        ""));
    Path file = write("file.properties", String.join("\n",
        "name = runner-it-file",
        "config.providers = file",
        "config.providers.file.class = org.apache.kafka.common.config.provider.FileConfigProvider",
        "clusters = A, B",
        "A.bootstrap.servers = ${file:" + values + ":a.bootstrap}",
        "B.bootstrap.servers = ${file:" + values + ":b.bootstrap}",
        "A->B.enabled = true",
        "A->B.topics = ${file:" + values + ":topics}",
        "A->B.tasks.max = ${file:" + values + ":tasks}",
        "refresh.topics.interval.seconds = 1",
        ""));

    assertChildReplicatesAndStops(file, Map.of(), topic, "runner-it-file");
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void main_environmentVariableNotSet_exitsWithCode2NamingKeyAndVariable() throws Exception {
    Path file = write("unset.properties", String.join("\n",
        "config.providers = env",
        "config.providers.env.class = org.apache.kafka.common.config.provider.EnvVarConfigProvider",
        "clusters = A, B",
        "A.bootstrap.servers = 127.0.0.1:1",
        "B.bootstrap.servers = ${env:MIRROR_IT_NOT_SET}",
        "A->B.enabled = true",
        ""));
    Path stdout = dir.resolve("unset.out");
    Path stderr = dir.resolve("unset.err");
    // The child gets a copy of this environment; make sure the variable is absent there.
    Process process = child(file, stdout, stderr, Map.of(), Set.of("MIRROR_IT_NOT_SET"));
    try {
      assertThat(process.waitFor(15, TimeUnit.SECONDS))
          .as("child exited within 15 s; stdout:%n%s%nstderr:%n%s", read(stdout), read(stderr))
          .isTrue();
      assertThat(process.exitValue()).as("exit code; stderr:%n%s", read(stderr)).isEqualTo(MirrorRunner.EXIT_CONFIG);
      assertThat(read(stderr))
          .contains("B.bootstrap.servers: config provider 'env' has no value for 'MIRROR_IT_NOT_SET'")
          .contains("nothing was started");
    } finally {
      kill(process);
    }
  }

  /**
   * Runs the file in a child JVM with {@code env} added to its environment, waits until A's topic is on B
   * record by record, stops the child with SIGTERM and checks that it stopped cleanly, with no warning.
   */
  private void assertChildReplicatesAndStops(Path file, Map<String, String> env, String topic, String name)
      throws Exception {
    Path stdout = dir.resolve(name + ".out");
    Path stderr = dir.resolve(name + ".err");
    Process process = child(file, stdout, stderr, env, Set.of());
    try {
      awaitReplicated(topic, RECORDS);
      process.destroy(); // SIGTERM on Unix
      assertThat(process.waitFor(30, TimeUnit.SECONDS))
          .as("child exited within 30 s of SIGTERM; stdout:%n%s%nstderr:%n%s", read(stdout), read(stderr))
          .isTrue();
      assertThat(process.exitValue())
          .as("exit code; stdout:%n%s%nstderr:%n%s", read(stdout), read(stderr))
          .isEqualTo(0);
      assertThat(read(stdout)).contains("Mirror '" + name + "' started from '" + file + "': flows [A->B]")
          .contains("Mirror '" + name + "' stopped cleanly");
      assertThat(read(stderr)).doesNotContain("warning:");
    } finally {
      kill(process);
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // helpers

  private void assertChildRejects(String fileText, String expectedInStderr) throws Exception {
    Path file = write("bad.properties", fileText);
    Path stdout = dir.resolve("bad.out");
    Path stderr = dir.resolve("bad.err");
    Process process = child(file, stdout, stderr);
    try {
      assertThat(process.waitFor(15, TimeUnit.SECONDS))
          .as("child exited within 15 s; stdout:%n%s%nstderr:%n%s", read(stdout), read(stderr))
          .isTrue();
      assertThat(process.exitValue()).as("exit code; stderr:%n%s", read(stderr)).isEqualTo(MirrorRunner.EXIT_CONFIG);
      assertThat(read(stderr)).contains(expectedInStderr).contains("nothing was started");
    } finally {
      kill(process);
    }
  }

  /** Starts {@code MirrorRunner} in a child JVM with this JVM's class path, output redirected to files. */
  private static Process child(Path file, Path stdout, Path stderr) throws IOException {
    return child(file, stdout, stderr, Map.of(), Set.of());
  }

  /**
   * Starts {@code MirrorRunner} in a child JVM with this JVM's class path and environment, plus {@code env} and
   * without the variables named in {@code unset}, output redirected to files.
   */
  private static Process child(Path file, Path stdout, Path stderr, Map<String, String> env, Set<String> unset)
      throws IOException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), MirrorRunner.class.getName(), file.toString())
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile());
    builder.environment().keySet().removeAll(unset);
    builder.environment().putAll(env);
    return builder.start();
  }

  private static void kill(Process process) throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static List<ProducerRecord<byte[], byte[]>> records(String topic, int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(i -> KafkaTestData.record(topic, "key-" + i, "value-" + i))
        .collect(Collectors.toList());
  }

  /** Waits until B's remote topic {@code A.<topic>} holds exactly the records of A's topic, record by record. */
  private static void awaitReplicated(String topic, int expected) {
    List<ConsumerRecord<byte[], byte[]>> source = KafkaTestData.readAll(a, topic, Duration.ofSeconds(30));
    assertThat(source).hasSize(expected);
    List<ConsumerRecord<byte[], byte[]>> remote = Await.until(REPLICATION_TIMEOUT,
        () -> KafkaTestData.readAll(b, "A." + topic, Duration.ofSeconds(10)),
        records -> records.size() >= expected);
    assertThat(remote)
        .extracting(ConsumerRecord::partition, r -> KafkaTestData.utf8(r.key()), r -> KafkaTestData.utf8(r.value()),
            ConsumerRecord::timestamp)
        .containsExactlyElementsOf(source.stream()
            .map(r -> tuple(r.partition(), KafkaTestData.utf8(r.key()), KafkaTestData.utf8(r.value()), r.timestamp()))
            .collect(Collectors.toList()));
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.ISO_8859_1);
    return file;
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "<cannot read " + file + ": " + e + ">";
    }
  }
}
