package dev.mirror.bench;

import static dev.mirror.bench.BenchProcesses.admin;
import static dev.mirror.bench.BenchProcesses.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The scale race: how Mirror and MirrorMaker 2 cope with many partitions and many consumer groups, rather than
 * with many records. Run it with
 *
 * <pre>
 * mvn -B -q -pl mirror-bench -am package -DskipTests -Dbench.scale                                # full size
 * mvn -B -q -pl mirror-bench -am package -DskipTests -Dbench.scale -Dbench.scale.args="--quick"   # smoke run
 * </pre>
 *
 * <p>Options ({@code --help} lists them):
 *
 * <pre>
 * ScaleBench [--quick] [--rounds R] [--contestants mirror,mm2] [--topics T] [--partitions-per-topic P]
 *            [--records-per-partition N] [--record-size B] [--groups G] [--pairs-per-group K] [--tasks N]
 *            [--heap 1g] [--race-timeout SECONDS] [--idle-wait SECONDS] [--idle-window SECONDS] [--out FILE]
 * </pre>
 *
 * <p>The source cluster of a fresh pair of embedded clusters ({@link ClusterHost}, a JVM of its own) is filled
 * once ({@link ScaleWorkload}): by default 200 topics × 10 partitions = 2,000 partitions of 50 records of 100 B,
 * and 500 consumer groups without members, each with offsets committed (through
 * {@code Admin.alterConsumerGroupOffsets}) on 30 partitions: 15,000 (group, partition) pairs. {@code --quick}
 * makes it 20 topics and 50 groups (200 partitions, 1,500 pairs).
 *
 * <p>Then, in alternating rounds (1 by default), each contestant runs as its own process ({@code -Xmx1g}) with the
 * same {@code mm2.properties}: a fresh source alias per race (so the remote topics {@code <alias>.scale-t-*} and
 * {@code <alias>.checkpoints.internal} are new), {@code refresh.topics.interval.seconds},
 * {@code refresh.groups.interval.seconds} and {@code emit.checkpoints.interval.seconds} of 5,
 * {@code sync.group.offsets.enabled=false}, {@code tasks.max=1} (MM2's default) and replication factors of 1.
 * Mirror runs from its runner's shaded jar ({@code java -jar mirror-runner-*-all.jar mm2.properties}, which warns
 * about and ignores MM2's Connect keys), MM2 in dedicated mode ({@code org.apache.kafka.connect.mirror.MirrorMaker},
 * connect-mirror from this module's classpath). Measured from outside the process, from its start:
 *
 * <ol>
 *   <li>seconds until every remote topic exists on the target ({@code Admin.listTopics} every 250 ms);
 *   <li>seconds until every source record is on the target (sum of the remote end offsets);
 *   <li>seconds until every (group, partition) pair has a checkpoint: the checkpoints topic is read continuously
 *       from the beginning ({@code read_committed}) and decoded in MM2's format, counting distinct
 *       (group, remote partition) pairs; checkpoint lag = (3) − (2);
 *   <li>CPU while idle: after all of it, 10 s of rest, then user+sys CPU seconds over 30 s ÷ 30 (cores);
 *   <li>used heap after {@code jcmd <pid> GC.run} ({@code GC.heap_info}), per source partition too; peak RSS.
 * </ol>
 *
 * <p>A race that does not reach (1)–(3) within {@code --race-timeout} (default 300 s) is stopped and reported as
 * incomplete with what it reached; when records are missing, with the remote partitions that fall short and, for
 * the first few, the source offsets they do hold (each record's value starts with its source partition and
 * offset). During the idle window the contestant's busiest threads are noted too. The results (median [min–max]
 * per figure and contestant, Mirror ÷ MM2) are printed and written as Markdown to {@code --out} (default
 * {@code mirror-bench/target/scale-results.md}); every process's output goes to {@code scale-logs/} next to it.
 */
public final class ScaleBench {

  /** The contestants, in race order. */
  enum Contestant {
    MIRROR("mirror", "Mirror (runner)"),
    MM2("mm2", "MM2 dedicated");

    final String code;
    final String title;

    Contestant(String code, String title) {
      this.code = code;
      this.title = title;
    }

    static Contestant of(String code) {
      for (Contestant c : values()) {
        if (c.code.equals(code)) {
          return c;
        }
      }
      throw new IllegalArgumentException("unknown contestant '" + code + "'; use "
          + Arrays.stream(values()).map(c -> c.code).collect(Collectors.joining(",")));
    }
  }

  /** One race's figures, in seconds from process start unless named otherwise; NaN where not reached. */
  record Result(Contestant contestant, int round, boolean completed, String note, double topicsSeconds,
      double recordsSeconds, double firstCheckpointSeconds, double checkpointsSeconds, double cpuSecondsToDone,
      double idleCores, double idleCoresWithoutJit, double heapMib, double peakRssMib, double brokersIdleCores,
      double otherIdleCores, List<ThreadCpu.Usage> idleThreads) {

    double checkpointLagSeconds() {
      return checkpointsSeconds - recordsSeconds;
    }
  }

  /** Rows of the table. */
  enum Figure {
    TOPICS("every remote topic created (s)", "%.1f"),
    RECORDS("every record on the target (s)", "%.1f"),
    FIRST_CHECKPOINT("first checkpoint (s)", "%.1f"),
    CHECKPOINTS("every pair checkpointed (s)", "%.1f"),
    CHECKPOINT_LAG("checkpoint lag (s): checkpointed − records", "%.1f"),
    CPU_TO_DONE("CPU seconds until then", "%.1f"),
    IDLE_CPU("CPU while idle (cores)", "%.3f"),
    IDLE_CPU_NO_JIT("… without the JIT compiler's threads", "%.3f"),
    HEAP("heap after full GC (MiB)", "%.1f"),
    HEAP_PER_PARTITION("heap per source partition (KiB)", "%.1f"),
    PEAK_RSS("peak RSS (MiB)", "%.0f"),
    BROKERS_IDLE("brokers' CPU while the contestant idles (cores)", "%.3f");

    final String title;
    final String pattern;

    Figure(String title, String pattern) {
      this.title = title;
      this.pattern = pattern;
    }

    double of(Result r, ScaleWorkload w) {
      return switch (this) {
        case TOPICS -> r.topicsSeconds();
        case RECORDS -> r.recordsSeconds();
        case FIRST_CHECKPOINT -> r.firstCheckpointSeconds();
        case CHECKPOINTS -> r.checkpointsSeconds();
        case CHECKPOINT_LAG -> r.checkpointLagSeconds();
        case CPU_TO_DONE -> r.cpuSecondsToDone();
        case IDLE_CPU -> r.idleCores();
        case IDLE_CPU_NO_JIT -> r.idleCoresWithoutJit();
        case HEAP -> r.heapMib();
        case HEAP_PER_PARTITION -> r.heapMib() * 1024 / w.partitions();
        case PEAK_RSS -> r.peakRssMib();
        case BROKERS_IDLE -> r.brokersIdleCores();
      };
    }
  }

  /** Checkpoint lag Mirror should stay within: every pair checkpointed within 15 s of its data. */
  static final double TARGET_CHECKPOINT_LAG_S = 15;
  /** Cores Mirror should stay under while idle. */
  static final double TARGET_IDLE_CORES = 0.10;

  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration PROGRESS = Duration.ofSeconds(10);
  private static final Duration QUIET_TIMEOUT = Duration.ofSeconds(60);
  private static final double QUIET_CPU = 0.15;
  private static final String TOPICS_REGEX = ScaleWorkload.TOPIC_PREFIX + ".*";

  private final Options options;
  private final ScaleWorkload workload;
  private final BenchProcesses procs;
  private final Path runnerJar;

  private Process host;
  private String sourceServers;
  private String targetServers;

  private ScaleBench(Options options) throws IOException {
    this.options = options;
    this.workload = options.workload();
    Path dir = options.out.toAbsolutePath().getParent();
    this.procs = new BenchProcesses(dir.resolve("scale-work"), dir.resolve("scale-logs"));
    this.runnerJar = BenchProcesses.findRunnerJar();
  }

  /**
   * Runs the scale benchmark.
   *
   * @param args see the class documentation
   * @throws Exception when the clusters cannot start or the source cannot be filled
   */
  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
      options.workload();
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(Options.USAGE);
      System.exit(2);
      return;
    }
    if (options.help) {
      System.out.println(Options.USAGE);
      return;
    }
    if (!ProcStats.available()) {
      System.err.println("error: the benchmark reads /proc to measure CPU time and RSS; it runs on Linux only");
      System.exit(2);
    }
    if (!Files.isExecutable(HeapInfo.jcmd())) {
      System.err.println("error: " + HeapInfo.jcmd() + " is missing; the benchmark needs a JDK to measure heaps");
      System.exit(2);
    }
    ScaleBench bench = new ScaleBench(options);
    bench.procs.installCleanupHook();
    System.exit(bench.run());
  }

  private int run() throws Exception {
    log("Mirror scale benchmark: " + workload.label());
    log(options.describe());
    log("contestant JVMs: " + procs.java() + " -Xmx" + options.heap + "; Mirror runner jar " + runnerJar
        + " (built " + Files.getLastModifiedTime(runnerJar) + ")");
    log("logs of every process: " + procs.logDir());
    BenchProcesses.Clusters clusters = procs.startClusterHost(options.maxMinutes(),
        BenchProcesses.defaultBrokerDataDir());
    host = clusters.host();
    sourceServers = clusters.sourceServers();
    targetServers = clusters.targetServers();
    List<Result> results = new ArrayList<>();
    try (Admin source = admin(sourceServers); Admin target = admin(targetServers)) {
      fillSource(source);
      for (int round = 1; round <= options.rounds; round++) {
        for (Contestant c : options.contestants) {
          Result r = race(source, target, c, round);
          results.add(r);
          log(String.format(Locale.ROOT, "  %s round %d: %stopics %.1f s, records %.1f s, checkpoints %.1f s "
              + "(lag %.1f s), idle %.3f cores, heap %.1f MiB, peak RSS %.0f MiB", c.title, round,
              r.completed() ? "" : "INCOMPLETE (" + r.note() + "): ", r.topicsSeconds(), r.recordsSeconds(),
              r.checkpointsSeconds(), r.checkpointLagSeconds(), r.idleCores(), r.heapMib(), r.peakRssMib()));
        }
      }
    } finally {
      procs.stopClusterHost(host);
    }
    String markdown = Report.markdown(options, workload, results, BenchProcesses.machine(), runnerJar);
    System.out.println();
    System.out.println(markdown);
    Files.createDirectories(options.out.toAbsolutePath().getParent());
    Files.writeString(options.out, markdown, StandardCharsets.UTF_8);
    log("results written to " + options.out.toAbsolutePath());
    return results.stream().allMatch(Result::completed) ? 0 : 1;
  }

  // ---------------------------------------------------------------------------------------------- source

  /** Creates the topics, writes the records and commits the groups' offsets; checks each step. */
  private void fillSource(Admin source) throws Exception {
    long start = System.nanoTime();
    List<String> topics = workload.topicNames();
    for (int i = 0; i < topics.size(); i += 50) {
      List<NewTopic> batch = topics.subList(i, Math.min(topics.size(), i + 50)).stream()
          .map(t -> new NewTopic(t, workload.partitionsPerTopic(), (short) 1)).toList();
      source.createTopics(batch).all().get(120, TimeUnit.SECONDS);
    }
    awaitServed(source, allPartitions(""), Duration.ofSeconds(120));
    double created = seconds(start, System.nanoTime());

    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sourceServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-scale-fill");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    // One request at a time: with several in flight to partitions created a moment ago, the idempotent producer
    // can get stuck retrying OUT_OF_ORDER_SEQUENCE_NUMBER.
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    Random random = new Random(42);
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int n = 0; n < workload.partitions() && failure.get() == null; n++) {
        TopicPartition tp = workload.partition(n);
        for (int i = 0; i < workload.recordsPerPartition(); i++) {
          producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, workload.value(tp, i, random)),
              (m, e) -> {
                if (e != null) {
                  failure.compareAndSet(null, e);
                }
              });
        }
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("filling the source failed: " + failure.get(), failure.get());
    }
    long end = endOffsetSum(source, allPartitions(""));
    if (end != workload.records()) {
      throw new IllegalStateException("the source holds " + end + " records, expected " + workload.records());
    }
    double written = seconds(start, System.nanoTime());

    List<KafkaFuture<Void>> pending = new ArrayList<>();
    for (int g = 0; g < workload.groups(); g++) {
      Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
      workload.commits(g).forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
      pending.add(source.alterConsumerGroupOffsets(workload.group(g), offsets).all());
      if (pending.size() >= 50) {
        KafkaFuture.allOf(pending.toArray(KafkaFuture[]::new)).get(120, TimeUnit.SECONDS);
        pending.clear();
      }
    }
    KafkaFuture.allOf(pending.toArray(KafkaFuture[]::new)).get(120, TimeUnit.SECONDS);
    long groups = source.listGroups(ListGroupsOptions.forConsumerGroups()).all().get(60, TimeUnit.SECONDS).stream()
        .filter(g -> g.groupId().startsWith(ScaleWorkload.GROUP_PREFIX)).count();
    if (groups != workload.groups()) {
      throw new IllegalStateException("the source lists " + groups + " groups, expected " + workload.groups());
    }
    log(String.format(Locale.ROOT, "source filled: %,d topics created in %.1f s, %,d records written by %.1f s, "
        + "%,d groups with %,d committed pairs by %.1f s", workload.topics(), created, workload.records(), written,
        workload.groups(), workload.pairs(), seconds(start, System.nanoTime())));
  }

  /**
   * Waits until the broker answers for every partition (a partition it does not lead yet, right after creation,
   * fails the request), so that writing to them does not start with a burst of retries. Waits for the topics'
   * metadata first, which the admin client asks for without logging an error per missing topic.
   */
  private static void awaitServed(Admin admin, List<TopicPartition> partitions, Duration timeout)
      throws InterruptedException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
    Set<String> topics = partitions.stream().map(TopicPartition::topic).collect(Collectors.toSet());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Set<String> listed = topicNames(admin);
      if (listed != null && listed.containsAll(topics)) {
        break;
      }
      Thread.sleep(200);
    }
    Thread.sleep(1_000); // the broker becomes leader of new partitions shortly after the metadata lists them
    while (true) {
      try {
        admin.listOffsets(request, new ListOffsetsOptions().timeoutMs(10_000)).all().get(15, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException | TimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the source does not serve every partition after " + timeout.toSeconds()
              + " s: " + e.getMessage(), e);
        }
      }
      Thread.sleep(200);
    }
  }

  /** Every partition of the workload, as {@code prefix + topic}. */
  private List<TopicPartition> allPartitions(String prefix) {
    List<TopicPartition> tps = new ArrayList<>(workload.partitions());
    for (int n = 0; n < workload.partitions(); n++) {
      TopicPartition tp = workload.partition(n);
      tps.add(new TopicPartition(prefix + tp.topic(), tp.partition()));
    }
    return tps;
  }

  // ---------------------------------------------------------------------------------------------- races

  private Result race(Admin source, Admin target, Contestant c, int round) throws Exception {
    String id = "r" + round + c.code;
    String sourceAlias = "src" + id;
    String targetAlias = "tgt" + id;
    String checkpointsTopic = sourceAlias + ".checkpoints.internal";
    Set<String> remoteTopics = workload.topicNames().stream().map(t -> sourceAlias + "." + t)
        .collect(Collectors.toSet());
    Path props = procs.writeProperties(id, properties(sourceAlias, targetAlias), ScaleBench.class.getName());
    List<String> cmd = new ArrayList<>(List.of(procs.java(), "-Xmx" + options.heap));
    cmd.addAll(c == Contestant.MIRROR ? BenchProcesses.mirrorArguments(runnerJar, props, targetAlias)
        : procs.mm2Arguments(props, targetAlias));
    Path logFile = procs.logDir().resolve(id + ".log");

    Set<String> targetBefore = topicNames(target);
    Set<String> sourceBefore = topicNames(source);
    if (targetBefore == null || sourceBefore == null) {
      throw new IllegalStateException("cannot list the clusters' topics");
    }
    BenchProcesses.awaitQuiet(host, QUIET_TIMEOUT, QUIET_CPU);
    log(c.title + " round " + round + ": source alias " + sourceAlias + ", log " + logFile.getFileName());

    CheckpointTally tally = CheckpointTally.forWorkload(workload, sourceAlias);
    Duration timeout = options.raceTimeout;
    Race race = new Race();
    long t0 = System.nanoTime();
    Process process = procs.start(cmd, logFile);
    ProcessHandle handle = process.toHandle();
    StringBuilder heapInfo = new StringBuilder();
    String note = "";
    try (CheckpointWatcher watcher = new CheckpointWatcher(targetServers, id, tally, timeout.plusSeconds(30))) {
      note = race.follow(target, process, watcher, tally, t0, t0 + timeout.toNanos(), remoteTopics,
          checkpointsTopic);
      if (watcher.failure() != null) {
        note = join(note, "reading the checkpoints failed: " + watcher.failure());
      }
      if (race.done()) {
        race.cpuToDone = ProcStats.cpuSeconds(handle);
      }
    }
    try {
      if (race.done()) {
        note = join(note, idleAndHeap(process, race, heapInfo));
      }
    } finally {
      race.peakRss = ProcStats.peakRssMib(handle);
      procs.stop(process);
      Files.writeString(logFile, String.format(Locale.ROOT, "%n[bench] stopped; peak RSS %.1f MiB; checkpoint "
          + "records read %,d (unreadable %,d, unexpected pairs %,d)%n%s%n",
          race.peakRss, tally.records(), tally.unreadableRecords(), tally.unexpected(), heapInfo),
          StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      if (race.tRecords < 0 && race.topicsSeen > 0) {
        note = join(note, shortPartitions(target, sourceAlias + "."));
      }
      if (race.tRecords >= 0 && !tally.complete()) {
        // MM2's default offset-syncs topic name and place (the source); Mirror reads the same keys.
        note = join(note, OffsetSyncCoverage.describe(tally.missingByPartition(), sourceAlias + ".",
            "mm2-offset-syncs." + targetAlias + ".internal", List.of(sourceServers, targetServers)));
      }
      deleteNewTopics(target, targetBefore);
      deleteNewTopics(source, sourceBefore);
    }
    if (tally.unexpected() > 0) {
      note = join(note, tally.unexpected() + " checkpointed pairs nobody committed");
    }
    boolean completed = race.done() && note.isEmpty();
    if (!race.done()) {
      note = join(String.format(Locale.ROOT, "topics %,d of %,d, records %,d of %,d, checkpoints %,d of %,d when "
          + "stopped", race.topicsSeen, remoteTopics.size(), race.records, workload.records(), tally.seen(),
          tally.expected()), note);
    }
    return new Result(c, round, completed, note, since(t0, race.tTopics), since(t0, race.tRecords),
        since(t0, tally.firstNanos()), since(t0, tally.completeNanos()), race.cpuToDone, race.idleCores,
        race.idleCoresWithoutJit,
        race.heapMib, race.peakRss, race.brokersIdleCores, race.otherIdleCores, race.idleThreads);
  }

  /** What one race reached, and when ({@link System#nanoTime()}, -1 before). */
  private final class Race {
    long tTopics = -1;
    long tRecords = -1;
    long tCheckpoints = -1;
    int topicsSeen;
    long records;
    double cpuToDone = Double.NaN;
    double idleCores = Double.NaN;
    double idleCoresWithoutJit = Double.NaN;
    double heapMib = Double.NaN;
    double peakRss = Double.NaN;
    double brokersIdleCores = Double.NaN;
    double otherIdleCores = Double.NaN;
    List<ThreadCpu.Usage> idleThreads = List.of();

    boolean done() {
      return tTopics >= 0 && tRecords >= 0 && tCheckpoints >= 0;
    }

    /**
     * Polls the target every {@link #POLL} until the remote topics, the records and the checkpoints are all
     * there, the process exits or the deadline passes; returns a note ("" when all went well).
     */
    String follow(Admin target, Process process, CheckpointWatcher watcher, CheckpointTally tally, long t0,
        long deadline, Set<String> remoteTopics, String checkpointsTopic) throws InterruptedException {
      Set<String> present = new HashSet<>();
      long nextProgress = t0 + PROGRESS.toNanos();
      long sourceRecords = workload.records();
      while (true) {
        long now = System.nanoTime();
        if (now >= deadline) {
          return "timed out after " + options.raceTimeout.toSeconds() + " s";
        }
        if (!process.isAlive()) {
          return "the process exited with code " + process.exitValue();
        }
        if (tTopics < 0 || !watcher.assigned()) {
          Set<String> names = topicNames(target);
          if (names != null) {
            for (String t : names) {
              if (remoteTopics.contains(t)) {
                present.add(t);
              }
            }
            topicsSeen = present.size();
            if (tTopics < 0 && present.size() == remoteTopics.size()) {
              tTopics = System.nanoTime();
            }
            if (!watcher.assigned() && names.contains(checkpointsTopic)) {
              List<TopicPartition> tps = BenchProcesses.partitionsOf(target, checkpointsTopic);
              if (tps != null) {
                watcher.assign(tps);
              }
            }
          }
        }
        if (tRecords < 0 && !present.isEmpty()) {
          String prefix = remoteTopics.iterator().next();
          prefix = prefix.substring(0, prefix.indexOf('.') + 1);
          List<TopicPartition> tps = new ArrayList<>();
          for (TopicPartition tp : allPartitions(prefix)) {
            if (present.contains(tp.topic())) {
              tps.add(tp);
            }
          }
          records = endOffsetSum(target, tps);
          if (records >= sourceRecords && tTopics >= 0) {
            tRecords = System.nanoTime();
          }
        }
        if (tally.complete()) {
          tCheckpoints = tally.completeNanos();
        }
        if (done()) {
          return records > sourceRecords ? String.format(Locale.ROOT, "the target holds %,d records, %,d more "
              + "than the source", records, records - sourceRecords) : "";
        }
        if (System.nanoTime() >= nextProgress) {
          log(String.format(Locale.ROOT, "    %3.0f s: topics %,d/%,d, records %,d/%,d, checkpoints %,d/%,d "
              + "(%,d read), CPU %.1f s", seconds(t0, System.nanoTime()), present.size(), remoteTopics.size(),
              records, sourceRecords, tally.seen(), tally.expected(), tally.records(),
              ProcStats.cpuSeconds(process.toHandle())));
          nextProgress += PROGRESS.toNanos();
        }
        Thread.sleep(POLL.toMillis());
      }
    }
  }

  /**
   * After the race: rest, measure CPU over the idle window (the contestant's, the brokers', the rest of the
   * machine's), then the heap after a full GC. Returns a note ("" when all went well).
   */
  private String idleAndHeap(Process process, Race race, StringBuilder heapInfo)
      throws IOException, InterruptedException {
    ProcessHandle handle = process.toHandle();
    Thread.sleep(options.idleWait.toMillis());
    if (!process.isAlive()) {
      return "the process exited with code " + process.exitValue() + " after the race";
    }
    double cpu0 = ProcStats.cpuSeconds(handle);
    double host0 = ProcStats.cpuSeconds(host.toHandle());
    double self0 = ProcStats.cpuSeconds(ProcessHandle.current());
    double machine0 = ProcStats.machineBusySeconds();
    Map<Long, Long> threads0 = ThreadCpu.ticks(process.pid());
    long w0 = System.nanoTime();
    Thread.sleep(options.idleWindow.toMillis());
    Map<Long, Long> threads1 = ThreadCpu.ticks(process.pid());
    double cpu1 = ProcStats.cpuSeconds(handle);
    double host1 = ProcStats.cpuSeconds(host.toHandle());
    double self1 = ProcStats.cpuSeconds(ProcessHandle.current());
    double machine1 = ProcStats.machineBusySeconds();
    double window = seconds(w0, System.nanoTime());
    if (!process.isAlive()) {
      return "the process exited with code " + process.exitValue() + " while idle";
    }
    race.idleCores = (cpu1 - cpu0) / window;
    race.idleCoresWithoutJit = Math.max(0, cpu1 - cpu0
        - ThreadCpu.compilerTicks(process.pid(), threads0, threads1) / (double) ProcStats.CLOCK_TICKS) / window;
    race.brokersIdleCores = (host1 - host0) / window;
    race.otherIdleCores = Math.max(0, (machine1 - machine0 - (cpu1 - cpu0) - (host1 - host0) - (self1 - self0))
        / window);
    String threadPrint = HeapInfo.jcmd(process.pid(), "Thread.print");
    List<ThreadCpu.Usage> busiest = ThreadCpu.busiest(threads0, threads1,
        threadPrint == null ? Map.of() : ThreadCpu.names(threadPrint), window, ProcStats.CLOCK_TICKS, 15);
    race.idleThreads = busiest.subList(0, Math.min(5, busiest.size()));
    heapInfo.append("[bench] busiest threads while idle (cores): ").append(busiest).append(System.lineSeparator())
        .append("[bench] GC.heap_info after GC.run:").append(System.lineSeparator());
    OptionalLong used = HeapInfo.usedAfterFullGc(process.pid(), heapInfo);
    if (used.isEmpty()) {
      return "no heap figure: " + heapInfo.toString().lines().findFirst().orElse("jcmd printed nothing");
    }
    race.heapMib = used.getAsLong() / (double) (1 << 20);
    heapInfo.append(System.lineSeparator()).append("[bench] GC.class_histogram, first lines:")
        .append(System.lineSeparator()).append(HeapInfo.classHistogram(process.pid(), 30));
    return "";
  }

  /**
   * Which remote partitions do not hold all their records, and for the first few, which source offsets they do
   * hold (from the records' values, see {@link ScaleWorkload#value}).
   */
  private String shortPartitions(Admin target, String remotePrefix) throws InterruptedException {
    List<TopicPartition> remote = allPartitions(remotePrefix);
    Map<TopicPartition, Long> ends = endOffsets(target, remote);
    List<TopicPartition> shortOnes = remote.stream()
        .filter(tp -> ends.getOrDefault(tp, -1L) != workload.recordsPerPartition()).toList();
    if (shortOnes.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%,d remote partition%s without all %,d "
        + "records:", shortOnes.size(), shortOnes.size() == 1 ? "" : "s", workload.recordsPerPartition()));
    for (int i = 0; i < Math.min(5, shortOnes.size()); i++) {
      TopicPartition tp = shortOnes.get(i);
      Long end = ends.get(tp);
      sb.append(i == 0 ? " " : "; ").append(tp).append(end == null ? " did not answer" : " holds " + end);
      if (end != null && end > 0 && i < 3) {
        sb.append(" (source offsets ").append(ScaleWorkload.ranges(sourceOffsetsOn(tp, end))).append(')');
      }
    }
    return sb.append(shortOnes.size() > 5 ? "; …" : "").toString();
  }

  /** The source offsets named by the values of a remote partition's records, sorted; read for at most 10 s. */
  private List<Long> sourceOffsetsOn(TopicPartition tp, long end) {
    List<Long> offsets = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, targetServers,
        ConsumerConfig.CLIENT_ID_CONFIG, "bench-short-partition",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (consumer.position(tp) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          offsets.add(ScaleWorkload.sourceOffset(r.value()));
        }
      }
    } catch (RuntimeException e) {
      log("  (could not read " + tp + ": " + e + ")");
    }
    offsets.sort(null);
    return offsets;
  }

  /** The race's mm2.properties, the same for both contestants. */
  private Map<String, String> properties(String sourceAlias, String targetAlias) {
    Map<String, String> p = BenchProcesses.mm2Properties(sourceAlias, targetAlias, sourceServers, targetServers,
        TOPICS_REGEX, true);
    p.putAll(flowSettings(options.tasks));
    return p;
  }

  /** The flow settings both contestants get, beyond clusters, topics and replication factors. */
  static Map<String, String> flowSettings(int tasks) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("tasks.max", Integer.toString(tasks));
    p.put("refresh.topics.interval.seconds", "5");
    p.put("refresh.groups.interval.seconds", "5");
    p.put("emit.checkpoints.interval.seconds", "5");
    p.put("sync.group.offsets.enabled", "false");
    return p;
  }

  private void deleteNewTopics(Admin admin, Set<String> before) {
    Set<String> now = topicNames(admin);
    if (now == null) {
      log("  (could not list topics to delete the race's)");
      return;
    }
    now.removeAll(before);
    BenchProcesses.deleteTopics(admin, now);
  }

  // ---------------------------------------------------------------------------------------------- admin

  /** The cluster's topic names (internal ones left out), or null when listing failed. */
  private static Set<String> topicNames(Admin admin) {
    try {
      return new HashSet<>(admin.listTopics().names().get(10, TimeUnit.SECONDS));
    } catch (ExecutionException | TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * Sum of the partitions' end offsets, counting only the partitions that answered within 5 s (one not ready
   * yet counts 0).
   */
  private static long endOffsetSum(Admin admin, List<TopicPartition> partitions) throws InterruptedException {
    return endOffsets(admin, partitions).values().stream().mapToLong(Long::longValue).sum();
  }

  /** The end offsets of the partitions that answered within 5 s. */
  private static Map<TopicPartition, Long> endOffsets(Admin admin, List<TopicPartition> partitions)
      throws InterruptedException {
    Map<TopicPartition, Long> ends = new HashMap<>();
    if (partitions.isEmpty()) {
      return ends;
    }
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (TopicPartition tp : partitions) {
      request.put(tp, OffsetSpec.latest());
    }
    ListOffsetsResult result = admin.listOffsets(request, new ListOffsetsOptions().timeoutMs(5_000));
    try {
      result.all().get(6, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // some partitions failed: sum the others
    }
    for (TopicPartition tp : partitions) {
      KafkaFuture<ListOffsetsResult.ListOffsetsResultInfo> f = result.partitionResult(tp);
      if (f.isDone() && !f.isCompletedExceptionally()) {
        try {
          ends.put(tp, f.get().offset());
        } catch (ExecutionException e) {
          // not ready
        }
      }
    }
    return ends;
  }

  private static double seconds(long fromNanos, long toNanos) {
    return (toNanos - fromNanos) / 1e9;
  }

  private static double since(long t0, long t) {
    return t < 0 ? Double.NaN : seconds(t0, t);
  }

  private static String join(String a, String b) {
    return a.isEmpty() ? b : b.isEmpty() ? a : a + "; " + b;
  }

  // ---------------------------------------------------------------------------------------------- options

  /** The command line. */
  static final class Options {
    static final String USAGE = String.join("\n",
        "usage: ScaleBench [--quick] [--rounds R] [--contestants mirror,mm2] [--topics T]",
        "                  [--partitions-per-topic P] [--records-per-partition N] [--record-size B]",
        "                  [--groups G] [--pairs-per-group K] [--tasks N] [--heap 1g]",
        "                  [--race-timeout SECONDS] [--idle-wait SECONDS] [--idle-window SECONDS] [--out FILE]",
        "  default: 200 topics x 10 partitions, 50 records of 100 B each, 500 groups x 30 pairs; 1 round of",
        "           mirror and mm2, tasks.max 1 (MM2's default) for both, -Xmx1g, race timeout 300 s;",
        "           idle CPU over 30 s after 10 s of rest",
        "  --quick: 20 topics and 50 groups (200 partitions, 1,500 pairs), race timeout 180 s");

    int rounds = 1;
    List<Contestant> contestants = List.of(Contestant.values());
    Integer topics;
    int partitionsPerTopic = 10;
    int recordsPerPartition = 50;
    int recordSize = 100;
    Integer groups;
    int pairsPerGroup = 30;
    int tasks = 1;
    String heap = "1g";
    Duration raceTimeout;
    Duration idleWait = Duration.ofSeconds(10);
    Duration idleWindow = Duration.ofSeconds(30);
    Path out = BenchProcesses.defaultOutDir().resolve("scale-results.md");
    boolean quick;
    boolean help;
    String commandLine = "";

    static Options parse(String[] args) {
      Options o = new Options();
      o.commandLine = String.join(" ", args);
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "-h", "--help" -> o.help = true;
          case "--quick" -> o.quick = true;
          case "--rounds" -> o.rounds = intValue(args, ++i, a, 1, 20);
          case "--contestants" -> o.contestants = Arrays.stream(value(args, ++i, a).split(","))
              .map(String::trim).filter(s -> !s.isEmpty()).map(Contestant::of).distinct().sorted().toList();
          case "--topics" -> o.topics = intValue(args, ++i, a, 1, 100_000);
          case "--partitions-per-topic" -> o.partitionsPerTopic = intValue(args, ++i, a, 1, 10_000);
          case "--records-per-partition" -> o.recordsPerPartition = intValue(args, ++i, a, 2, 1_000_000);
          case "--record-size" -> o.recordSize = intValue(args, ++i, a, 1, 1 << 20);
          case "--groups" -> o.groups = intValue(args, ++i, a, 0, 1_000_000);
          case "--pairs-per-group" -> o.pairsPerGroup = intValue(args, ++i, a, 0, 1_000_000);
          case "--tasks" -> o.tasks = intValue(args, ++i, a, 1, 1_000);
          case "--heap" -> o.heap = value(args, ++i, a);
          case "--race-timeout" -> o.raceTimeout = Duration.ofSeconds(intValue(args, ++i, a, 10, 36_000));
          case "--idle-wait" -> o.idleWait = Duration.ofSeconds(intValue(args, ++i, a, 0, 3_600));
          case "--idle-window" -> o.idleWindow = Duration.ofSeconds(intValue(args, ++i, a, 1, 3_600));
          case "--out" -> o.out = Paths.get(value(args, ++i, a));
          default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
        }
      }
      if (o.topics == null) {
        o.topics = o.quick ? 20 : 200;
      }
      if (o.groups == null) {
        o.groups = o.quick ? 50 : 500;
      }
      if (o.raceTimeout == null) {
        o.raceTimeout = Duration.ofSeconds(o.quick ? 180 : 300);
      }
      if (o.contestants.isEmpty()) {
        throw new IllegalArgumentException("--contestants lists no contestant");
      }
      return o;
    }

    ScaleWorkload workload() {
      return new ScaleWorkload(topics, partitionsPerTopic, recordsPerPartition, recordSize, groups, pairsPerGroup);
    }

    /** The cluster host's lifetime: enough for every race with its idle window, and filling the source. */
    long maxMinutes() {
      long perRace = raceTimeout.toSeconds() + idleWait.toSeconds() + idleWindow.toSeconds() + 180;
      return 30 + (rounds * contestants.size() * perRace) / 60;
    }

    String describe() {
      return String.format(Locale.ROOT, "%d round%s of %s; tasks.max %d for both (MM2's default is 1); contestant "
          + "heap -Xmx%s; race timeout %d s; idle CPU over %d s after %d s of rest", rounds, rounds == 1 ? "" : "s",
          contestants.stream().map(c -> c.code).collect(Collectors.joining(" ")), tasks, heap,
          raceTimeout.toSeconds(), idleWindow.toSeconds(), idleWait.toSeconds());
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }

    private static int intValue(String[] args, int i, String option, int min, int max) {
      String v = value(args, i, option);
      int n;
      try {
        n = Integer.parseInt(v.replace("_", "").replace(",", ""));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " needs a whole number, got '" + v + "'");
      }
      if (n < min || n > max) {
        throw new IllegalArgumentException(option + " must be " + min + ".." + max + ", got " + n);
      }
      return n;
    }
  }

  // ---------------------------------------------------------------------------------------------- report

  /** Formats results. */
  static final class Report {
    private Report() {}

    static String markdown(Options options, ScaleWorkload w, List<Result> results, Map<String, String> machine,
        Path runnerJar) {
      StringBuilder sb = new StringBuilder();
      sb.append("# Mirror scale benchmark results\n\n");
      sb.append("Run ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
          .append(", arguments `").append(options.commandLine.isEmpty() ? "(none)" : options.commandLine)
          .append("`: ").append(options.describe()).append(".\n\n");
      machine.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
      sb.append("- source: ").append(w.label()).append("; groups without members, offsets committed with "
          + "`Admin.alterConsumerGroupOffsets`, each inside the data\n");
      sb.append("- Mirror: `java -Xmx").append(options.heap).append(" -jar ").append(runnerJar.getFileName())
          .append(" mm2.properties --clusters <target>`; MM2: `java -Xmx").append(options.heap)
          .append(" org.apache.kafka.connect.mirror.MirrorMaker mm2.properties --clusters <target>` (dedicated "
              + "mode, connect-mirror ").append(machine.getOrDefault("Kafka", "").split(" ")[0]).append(")\n");
      Map<String, String> settings = new LinkedHashMap<>();
      settings.put("topics", TOPICS_REGEX);
      settings.putAll(flowSettings(options.tasks));
      sb.append("- the same mm2.properties for both, with a fresh source alias per race: ")
          .append(settings.entrySet().stream().map(e -> "`" + e.getKey() + "=" + e.getValue() + "`")
              .collect(Collectors.joining(", ")))
          .append(", and replication factors of 1 (").append(String.join(", ",
              BenchProcesses.MM2_REPLICATION_FACTOR_KEYS)).append("; Mirror warns about the Connect ones and "
              + "ignores them); everything else is each contestant's default\n");
      sb.append("- brokers: two single-node KRaft clusters in one separate JVM (-Xmx1g) on 127.0.0.1; every "
          + "contestant is its own JVM measured from outside\n\n");

      Map<Contestant, Map<Figure, Stats>> stats = new EnumMap<>(Contestant.class);
      for (Contestant c : options.contestants) {
        Map<Figure, Stats> m = new EnumMap<>(Figure.class);
        for (Figure f : Figure.values()) {
          m.put(f, Stats.of(results.stream().filter(r -> r.contestant() == c).map(r -> f.of(r, w)).toList()));
        }
        stats.put(c, m);
      }
      boolean ratio = stats.containsKey(Contestant.MIRROR) && stats.containsKey(Contestant.MM2);
      sb.append("| figure |");
      options.contestants.forEach(c -> sb.append(' ').append(c.title).append(" |"));
      if (ratio) {
        sb.append(" Mirror ÷ MM2 |");
      }
      sb.append(" target |\n|---|").append("---|".repeat(options.contestants.size() + (ratio ? 1 : 0)))
          .append("---|\n");
      sb.append("| races completed |");
      for (Contestant c : options.contestants) {
        long ok = results.stream().filter(r -> r.contestant() == c && r.completed()).count();
        long all = results.stream().filter(r -> r.contestant() == c).count();
        sb.append(' ').append(ok).append('/').append(all).append(" |");
      }
      sb.append(ratio ? " |" : "").append("|\n");
      for (Figure f : Figure.values()) {
        sb.append("| ").append(f.title).append(" |");
        for (Contestant c : options.contestants) {
          sb.append(' ').append(stats.get(c).get(f).format(f.pattern)).append(" |");
        }
        if (ratio) {
          double r = stats.get(Contestant.MIRROR).get(f).ratioTo(stats.get(Contestant.MM2).get(f));
          sb.append(' ').append(Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "%.2f", r)).append(" |");
        }
        String target = target(f, stats.get(Contestant.MIRROR));
        sb.append(target.isEmpty() ? "" : " " + target).append(" |\n");
      }
      sb.append('\n');
      Stats other = Stats.of(results.stream().map(Result::otherIdleCores).toList());
      if (other.present()) {
        sb.append(String.format(Locale.ROOT, "Other processes on the machine (not the brokers, the contestant or "
            + "the benchmark) used %s cores during the idle windows%s.%n%n", other.format("%.2f"),
            other.max() > 0.2 ? " — **the machine was not idle: idle CPU figures of the contestants are still "
                + "their own, but timings are noisy**" : ""));
      }
      List<Result> idle = results.stream().filter(r -> !r.idleThreads().isEmpty()).toList();
      if (!idle.isEmpty()) {
        sb.append("Busiest threads of the contestant during the idle window (cores):\n\n");
        for (Result r : idle) {
          sb.append("- ").append(r.contestant().title).append(", round ").append(r.round()).append(": ")
              .append(r.idleThreads().stream().map(u -> "`" + u.name() + "` " + String.format(Locale.ROOT, "%.3f",
                  u.cores())).collect(Collectors.joining(", "))).append('\n');
        }
        sb.append('\n');
      }
      List<Result> notes = results.stream().filter(r -> !r.note().isEmpty()).toList();
      if (!notes.isEmpty()) {
        sb.append("Notes (incomplete races keep the figures they reached):\n\n");
        for (Result r : notes) {
          sb.append("- ").append(r.contestant().title).append(", round ").append(r.round()).append(": ")
              .append(r.note()).append('\n');
        }
        sb.append('\n');
      }
      sb.append("How to read: times in seconds from the contestant's process start, measured from outside: every "
          + "remote topic listed on the target (polled every 250 ms); the remote end offsets summing to the "
          + "source's; every committed (group, partition) pair seen in `<alias>.checkpoints.internal` on the "
          + "target (read continuously, `read_committed`, decoded in MM2's checkpoint format). Checkpoint lag is "
          + "the last minus the records. CPU seconds: user+sys of the process until then. Idle CPU: after "
          + "everything was there and ").append(options.idleWait.toSeconds()).append(" s of rest, CPU seconds "
          + "over ").append(options.idleWindow.toSeconds()).append(" s divided by the window; without the JIT "
          + "compiler's threads (`C1/C2 CompilerThread`), which in a process this young still compile methods "
          + "that reach their thresholds only now. Heap: used heap "
          + "from `jcmd GC.heap_info` after `jcmd GC.run`, also divided by the ")
          .append(String.format(Locale.ROOT, "%,d", w.partitions())).append(" source partitions. Peak RSS: "
          + "VmHWM. Median [min–max] over the rounds; contestants alternate within each round (the first races "
          + "on brokers that have not created topics before). The race timeout covers the times; the idle window "
          + "and the heap come after them.\n");
      return sb.toString();
    }

    private static String target(Figure f, Map<Figure, Stats> mirror) {
      if (mirror == null) {
        return "";
      }
      return switch (f) {
        case CHECKPOINT_LAG -> verdict("Mirror ≤ " + (int) TARGET_CHECKPOINT_LAG_S + " s",
            mirror.get(f), TARGET_CHECKPOINT_LAG_S, true);
        case IDLE_CPU -> verdict(String.format(Locale.ROOT, "Mirror < %.2f", TARGET_IDLE_CORES), mirror.get(f),
            TARGET_IDLE_CORES, false);
        default -> "";
      };
    }

    private static String verdict(String what, Stats s, double limit, boolean inclusive) {
      if (!s.present()) {
        return what + ": not measured";
      }
      boolean met = inclusive ? s.median() <= limit : s.median() < limit;
      return what + ": **" + (met ? "met" : "missed") + "**";
    }

  }
}
