package dev.mirror.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * What the benchmarks ({@link Bench}, {@link ScaleBench}) share to start and measure processes: the
 * {@link ClusterHost} JVM, contestant JVMs (Mirror's runner jar, MirrorMaker 2 in dedicated mode) with their
 * {@code mm2.properties}, stopping them, and the machine's description. Every process started here is killed by
 * {@link #killAll()}, which {@link #installCleanupHook()} runs when the JVM exits.
 */
final class BenchProcesses {

  /** The two embedded clusters and the JVM hosting them. */
  record Clusters(Process host, String sourceServers, String targetServers) {}

  /** How long a contestant may take to stop after SIGTERM before it is killed. */
  static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /** The MM2 keys that a one-broker cluster needs: MM2's default replication factors (2 and 3) cannot be met. */
  static final List<String> MM2_REPLICATION_FACTOR_KEYS = List.of("replication.factor",
      "checkpoints.topic.replication.factor", "heartbeats.topic.replication.factor",
      "offset-syncs.topic.replication.factor", "offset.storage.replication.factor",
      "config.storage.replication.factor", "status.storage.replication.factor");

  private final String java;
  private final String classpath;
  private final Path workDir;
  private final Path logDir;
  private final List<Process> started = new CopyOnWriteArrayList<>();

  /**
   * @param workDir where properties files go (created)
   * @param logDir where every process's output goes (created)
   */
  BenchProcesses(Path workDir, Path logDir) throws IOException {
    this.workDir = workDir;
    this.logDir = logDir;
    Files.createDirectories(workDir);
    Files.createDirectories(logDir);
    this.java = ProcessHandle.current().info().command().orElse(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    this.classpath = jarsOnly(System.getProperty("java.class.path"), System.getProperty("mirror.bench.classes"),
        System.getProperty("mirror.bench.jar"));
  }

  /**
   * The classpath with the benchmark's classes directory replaced by its jar, when both are named and the jar
   * exists: a JVM maps a class data sharing archive ({@code -XX:SharedArchiveFile}) only for a classpath of jars.
   */
  static String jarsOnly(String classpath, String classesDir, String jar) {
    if (classesDir == null || jar == null || !Files.isRegularFile(Paths.get(jar))) {
      return classpath;
    }
    Path classes = Paths.get(classesDir).toAbsolutePath().normalize();
    return Arrays.stream(classpath.split(File.pathSeparator))
        .map(e -> Paths.get(e).toAbsolutePath().normalize().equals(classes) ? jar : e)
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** The {@code java} executable of this JVM, which starts every contestant. */
  String java() {
    return java;
  }

  /** This JVM's classpath. */
  String classpath() {
    return classpath;
  }

  Path logDir() {
    return logDir;
  }

  /** Kills every started process that still runs when this JVM exits. */
  void installCleanupHook() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::killAll, "bench-cleanup"));
  }

  // ---------------------------------------------------------------------------------------------- clusters

  /**
   * Where the brokers keep their logs by default: {@code /dev/shm} (memory) when it exists with at least 8 GiB
   * free, so the writeback of earlier races' data to disk does not slow later races down; else {@code null},
   * the JVM's temporary directory.
   */
  static Path defaultBrokerDataDir() {
    Path shm = Paths.get("/dev/shm");
    try {
      if (Files.isDirectory(shm) && Files.isWritable(shm)
          && Files.getFileStore(shm).getUsableSpace() >= 8L * 1024 * 1024 * 1024) {
        return shm;
      }
    } catch (IOException e) {
      // not usable: the default directory
    }
    return null;
  }

  /**
   * Starts {@link ClusterHost} in a JVM of its own (-Xmx1g, log in {@code clusters.log}), its brokers' logs under
   * {@code dataDir} (the JVM's temporary directory when null), and waits at most 120 s for its bootstrap
   * addresses.
   */
  Clusters startClusterHost(long maxMinutes, Path dataDir) throws IOException, InterruptedException {
    // The brokers' GC log lets a stall seen in a race be matched with a pause of theirs.
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Xlog:gc,safepoint:file=" + logDir.resolve("clusters-gc.log") + ":time,uptime"));
    if (dataDir != null) {
      cmd.add("-Djava.io.tmpdir=" + dataDir);
    }
    cmd.addAll(List.of("-cp", classpath, ClusterHost.class.getName(), Long.toString(maxMinutes)));
    Path logFile = logDir.resolve("clusters.log");
    Process host = new ProcessBuilder(cmd).redirectError(logFile.toFile()).start();
    started.add(host);
    BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8));
    AtomicReference<String> src = new AtomicReference<>();
    AtomicReference<String> tgt = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("BOOTSTRAP source ")) {
            src.set(line.substring("BOOTSTRAP source ".length()).trim());
          } else if (line.startsWith("BOOTSTRAP target ")) {
            tgt.set(line.substring("BOOTSTRAP target ".length()).trim());
          } else if (line.equals("READY")) {
            synchronized (src) {
              src.notifyAll();
            }
          }
        }
      } catch (IOException e) {
        // the host ended
      }
    }, "cluster-host-stdout");
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    synchronized (src) {
      while ((src.get() == null || tgt.get() == null) && host.isAlive() && System.nanoTime() < deadline) {
        src.wait(200);
      }
    }
    if (src.get() == null || tgt.get() == null) {
      destroy(host);
      started.remove(host);
      throw new IllegalStateException("the cluster host did not start within 120 s; see " + logFile);
    }
    log("clusters ready in a separate JVM (pid " + host.pid() + "): source " + src.get() + ", target "
        + tgt.get());
    return new Clusters(host, src.get(), tgt.get());
  }

  /** Closes the host's standard input, so it closes its clusters, and kills it if it has not ended in 60 s. */
  void stopClusterHost(Process host) {
    try {
      host.getOutputStream().close(); // end of input: the host closes its clusters and exits
      if (!host.waitFor(60, TimeUnit.SECONDS)) {
        log("the cluster host did not stop within 60 s; killing it");
        destroy(host);
      }
    } catch (IOException e) {
      destroy(host);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      destroy(host);
    }
    started.remove(host);
  }

  /**
   * Waits (at most {@code timeout}) until the brokers' JVM uses less than {@code cores}, so that no race starts
   * while the brokers still work for the previous one (deleting its topics, compacting internal topics).
   */
  static void awaitQuiet(Process host, Duration timeout, double cores) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    double before = ProcStats.cpuSeconds(host.toHandle());
    while (System.nanoTime() < deadline) {
      Thread.sleep(500);
      double after = ProcStats.cpuSeconds(host.toHandle());
      if (Double.isNaN(after) || (after - before) / 0.5 < cores) {
        return;
      }
      before = after;
    }
    log("  (the brokers were still busy after " + timeout.toSeconds() + " s; starting anyway)");
  }

  /** An admin client for the benchmark's own requests. */
  static Admin admin(String servers) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
        AdminClientConfig.CLIENT_ID_CONFIG, "bench-admin",
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
  }

  /** Deletes topics, waiting at most 60 s; logs rather than fails. */
  static void deleteTopics(Admin admin, Collection<String> topics) {
    if (topics.isEmpty()) {
      return;
    }
    try {
      admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log("  (could not delete " + (topics.size() == 1 ? "topic " + topics.iterator().next()
          : topics.size() + " topics") + ": " + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The topic's partitions, or null when it does not exist (yet) or has none. */
  static List<TopicPartition> partitionsOf(Admin admin, String topic) {
    try {
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS)
          .get(topic);
      if (d == null || d.partitions().isEmpty()) {
        return null;
      }
      return d.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    } catch (ExecutionException | TimeoutException e) {
      return null; // not created yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------- contestants

  /**
   * The flow keys of an {@code mm2.properties} for one race: clusters, bootstrap servers, the enabled flow and its
   * topics; with {@code replicationFactorOne}, also {@link #MM2_REPLICATION_FACTOR_KEYS} set to 1.
   */
  static Map<String, String> mm2Properties(String sourceAlias, String targetAlias, String sourceServers,
      String targetServers, String topics, boolean replicationFactorOne) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("clusters", sourceAlias + ", " + targetAlias);
    p.put(sourceAlias + ".bootstrap.servers", sourceServers);
    p.put(targetAlias + ".bootstrap.servers", targetServers);
    p.put(sourceAlias + "->" + targetAlias + ".enabled", "true");
    p.put(sourceAlias + "->" + targetAlias + ".topics", topics);
    if (replicationFactorOne) {
      for (String key : MM2_REPLICATION_FACTOR_KEYS) {
        p.put(key, "1");
      }
    }
    return p;
  }

  /** Writes {@code <workDir>/<id>.properties}. */
  Path writeProperties(String id, Map<String, String> props, String writer) throws IOException {
    Path file = workDir.resolve(id + ".properties");
    StringBuilder sb = new StringBuilder("# written by ").append(writer).append('\n');
    props.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    return file;
  }

  /** Mirror's arguments after the JVM options: its runner's shaded jar, the properties, the target cluster. */
  static List<String> mirrorArguments(Path runnerJar, Path props, String targetAlias) {
    return List.of("-jar", runnerJar.toString(), props.toString(), "--clusters", targetAlias);
  }

  /**
   * MirrorMaker 2's arguments after the JVM options: info logging with timestamps (clients at warn), its
   * classpath, dedicated mode's main class, the properties and the target cluster.
   */
  List<String> mm2Arguments(Path props, String targetAlias) {
    return List.of(
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=warn",
        "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.common=warn",
        "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-cp", mm2Classpath(), "org.apache.kafka.connect.mirror.MirrorMaker", props.toString(),
        "--clusters", targetAlias);
  }

  /**
   * MM2's classpath: the benchmark's, less Mirror's own modules and test-only libraries, so it is close to the
   * {@code libs/} directory of a Kafka distribution (clients, Connect, server, Scala, Jackson, Jetty).
   */
  String mm2Classpath() {
    List<String> excluded = List.of("/dev/mirror/", "/org/junit/", "/org/opentest4j/", "/org/assertj/",
        "/net/bytebuddy/", "/org/testcontainers/", "/com/github/docker-java/", "/net/java/dev/jna/",
        "/org/rnorth/", "/org/jetbrains/", "/org/apiguardian/");
    return Arrays.stream(classpath.split(File.pathSeparator))
        .filter(e -> excluded.stream().noneMatch(e.replace('\\', '/')::contains))
        .filter(e -> !e.replace('\\', '/').matches(".*/mirror-[a-z-]+/target/.*"))
        .collect(Collectors.joining(File.pathSeparator));
  }

  /**
   * Starts a process whose standard output and error go to {@code logFile}, after a first line with its command.
   */
  Process start(List<String> cmd, Path logFile) throws IOException {
    Files.writeString(logFile, String.join(" ", cmd) + System.lineSeparator(), StandardCharsets.UTF_8);
    Process process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    started.add(process);
    return process;
  }

  /** Stops a started process: SIGTERM to it and its descendants, SIGKILL after {@link #STOP_GRACE}. */
  void stop(Process process) {
    List<ProcessHandle> tree = new ArrayList<>();
    process.descendants().forEach(tree::add);
    process.destroy();
    tree.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        destroy(process);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      destroy(process);
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    started.remove(process);
  }

  private static void destroy(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Kills every process started here that still runs (shutdown hook). */
  void killAll() {
    for (Process p : started) {
      if (p.isAlive()) {
        destroy(p);
      }
    }
  }

  /**
   * The newest Mirror runner shaded jar among the system property {@code mirror.bench.runnerJars} (paths separated
   * by the path separator), {@code [../]mirror-runner/target} and the local Maven repository.
   */
  static Path findRunnerJar() {
    String candidates = System.getProperty("mirror.bench.runnerJars", "");
    List<Path> paths = new ArrayList<>();
    for (String c : candidates.split(File.pathSeparator)) {
      if (!c.isBlank()) {
        paths.add(Paths.get(c.trim()));
      }
    }
    String jar = "mirror-runner-0.1.0-SNAPSHOT-all.jar";
    paths.add(Paths.get("mirror-runner", "target", jar));
    paths.add(Paths.get("..", "mirror-runner", "target", jar));
    paths.add(Paths.get(System.getProperty("user.home"), ".m2", "repository", "dev", "mirror", "mirror-runner",
        "0.1.0-SNAPSHOT", jar));
    Path newest = null;
    for (Path p : paths) {
      try {
        if (Files.isRegularFile(p) && (newest == null
            || Files.getLastModifiedTime(p).compareTo(Files.getLastModifiedTime(newest)) > 0)) {
          newest = p.toAbsolutePath().normalize();
        }
      } catch (IOException e) {
        // skip
      }
    }
    if (newest == null) {
      throw new IllegalStateException("the Mirror runner's shaded jar was not found in " + paths
          + "; build it with: mvn -B -q -pl mirror-runner -am package -DskipTests");
    }
    return newest;
  }

  /** The results' default directory: {@code mirror.bench.targetDir}, else this module's {@code target}. */
  static Path defaultOutDir() {
    String dir = System.getProperty("mirror.bench.targetDir");
    if (dir == null) {
      dir = Files.isDirectory(Paths.get("mirror-bench")) ? "mirror-bench/target" : "target";
    }
    return Paths.get(dir);
  }

  // ---------------------------------------------------------------------------------------------- reporting

  /** CPU, memory, OS, Java and Kafka of this machine, for the results. */
  static Map<String, String> machine() {
    Map<String, String> m = new LinkedHashMap<>();
    String cpu = "unknown";
    long memKb = -1;
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
      for (String line : Files.readAllLines(Paths.get("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // leave unknown
    }
    m.put("CPU", Runtime.getRuntime().availableProcessors() + " cores, " + cpu);
    m.put("memory", memKb > 0 ? String.format(Locale.ROOT, "%.1f GiB", memKb / 1048576.0) : "unknown");
    m.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("Java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("Kafka", AppInfoParser.getVersion() + " (brokers, clients, MM2)");
    return m;
  }

  /** Prints a line with the time of day. */
  static void log(String line) {
    System.out.println(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)) + " "
        + line);
    System.out.flush();
  }
}
