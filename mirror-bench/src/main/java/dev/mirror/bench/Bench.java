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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The race: Mirror (through its {@code mm2.properties} runner), MirrorMaker 2 in dedicated mode with its
 * defaults and with a tuned producer, and a bare consumer-to-producer loop, each in its own process, measured
 * from outside, in alternating rounds on the same two embedded clusters (hosted by {@link ClusterHost} in a
 * separate JVM).
 *
 * <pre>
 * Bench [--quick] [--rounds R] [--workload NxS ...] [--contestants mirror,mirror-eos,mirror-records,mm2,mm2-tuned,bare]
 *       [--heap 1g] [--race-timeout SECONDS] [--out FILE] [--warm-up-rounds N] [--no-warm-up]
 *       [--broker-data DIR|tmp]
 *       [--no-latency] [--latency-rate RECORDS_PER_S] [--latency-seconds S]
 *       [--mirror-property KEY=VALUE ...] [--jvm-option OPTION ...]
 * </pre>
 *
 * <p>After the throughput races, the same contestants race for latency ({@link LatencyProbe}): each replicates a
 * new, empty topic while the benchmark produces to it at a fixed rate and measures send-to-arrival time on the
 * target. Every race starts once the brokers' JVM is idle, and the CPU that other processes of the machine used
 * during the race is reported, since a busy machine makes every figure noisy.
 *
 * <p>Per workload the source topic (8 partitions) is filled once with N records of S random bytes; every race
 * copies it from the beginning into a topic of its own ({@code <alias>.<topic>}, a fresh source alias per race),
 * which is deleted after the race. Per race: time to the first record on the target (from process start),
 * records/s and MiB/s from the first record until the target holds all N, CPU seconds (user + system, from
 * {@code /proc/<pid>/stat}) per million records while the target went from 10% to 90% of N, and peak RSS
 * ({@code VmHWM}). The results (median [min–max] per contestant, ratios, the targets) are printed and
 * written as Markdown to {@code --out} (default {@code mirror-bench/target/bench-results.md}).
 */
public final class Bench {

  /** The contestants, in race order. */
  enum Contestant {
    MIRROR("mirror", "Mirror (runner, defaults)"),
    MIRROR_EOS("mirror-eos", "Mirror (runner, exactly-once)"),
    MIRROR_RECORDS("mirror-records", "Mirror (runner, record copy)"),
    MM2("mm2", "MM2 dedicated, defaults"),
    MM2_TUNED("mm2-tuned", "MM2 dedicated, tuned producer"),
    BARE("bare", "bare consumer→producer loop");

    final String code;
    final String title;

    Contestant(String code, String title) {
      this.code = code;
      this.title = title;
    }

    String idCode() {
      return code.replace("-", "");
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

  /** N records of S bytes. */
  record Workload(long records, int size) {
    static Workload parse(String s) {
      String[] p = s.toLowerCase(Locale.ROOT).split("x");
      if (p.length != 2) {
        throw new IllegalArgumentException("workload '" + s + "' is not NxS, such as 2000000x512");
      }
      return new Workload(Long.parseLong(p[0].replace("_", "")), Integer.parseInt(p[1].replace("_", "")));
    }

    String label() {
      return String.format(Locale.ROOT, "%,d × %s", records, size % 1024 == 0 ? size / 1024 + " KiB" : size + " B");
    }

    double mib() {
      return records * (double) size / (1 << 20);
    }
  }

  /** One race's figures; NaN where not measured. */
  record Result(Contestant contestant, int round, boolean completed, String note, double firstRecordSeconds,
      double recordsPerSecond, double mibPerSecond, double cpuSecondsPerMillion, double cpuWithoutJitPerMillion,
      double brokerCpuPerMillion, double peakRssMib, double totalSeconds, double cpuSecondsTotal,
      double otherLoadCores) {}

  /** Figures of the table, with how to read them. */
  enum Figure {
    RECORDS_PER_S("records/s", true),
    MIB_PER_S("MiB/s", true),
    FIRST_RECORD_S("first record (s)", false),
    CPU_PER_M("CPU s / M records", false),
    CPU_NO_JIT_PER_M("… without JIT compiler", false),
    BROKER_CPU_PER_M("brokers' CPU s / M records", false),
    PEAK_RSS("peak RSS (MiB)", false),
    TOTAL_S("wall s to all records", false);

    final String title;
    final boolean higherIsBetter;

    Figure(String title, boolean higherIsBetter) {
      this.title = title;
      this.higherIsBetter = higherIsBetter;
    }

    double of(Result r) {
      return switch (this) {
        case RECORDS_PER_S -> r.recordsPerSecond();
        case MIB_PER_S -> r.mibPerSecond();
        case FIRST_RECORD_S -> r.firstRecordSeconds();
        case CPU_PER_M -> r.cpuSecondsPerMillion();
        case CPU_NO_JIT_PER_M -> r.cpuWithoutJitPerMillion();
        case BROKER_CPU_PER_M -> r.brokerCpuPerMillion();
        case PEAK_RSS -> r.peakRssMib();
        case TOTAL_S -> r.totalSeconds();
      };
    }
  }

  private static final int PARTITIONS = 8;
  private static final Duration POLL_BEFORE_FIRST = Duration.ofMillis(20);
  private static final Duration POLL_AFTER_FIRST = Duration.ofMillis(50);
  private static final Duration COOL_DOWN = Duration.ofSeconds(3);
  private static final Duration LATENCY_WARM_UP = Duration.ofSeconds(5);
  /** The measured window of an unmeasured warm-up latency race. */
  private static final Duration LATENCY_WARM_UP_WINDOW = Duration.ofSeconds(5);
  private static final Duration QUIET_TIMEOUT = Duration.ofSeconds(20);
  private static final double QUIET_CPU = 0.15;

  private final Options options;
  private final BenchProcesses procs;
  private final Path runnerJar;
  private final String runStamp =
      ZonedDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss", Locale.ROOT));

  private Process host;
  private String sourceServers;
  private String targetServers;

  private Bench(Options options) throws IOException {
    this.options = options;
    Path dir = options.out.toAbsolutePath().getParent();
    this.procs = new BenchProcesses(dir.resolve("bench-work"), dir.resolve("bench-logs"));
    this.runnerJar = BenchProcesses.findRunnerJar();
  }

  /**
   * Runs the benchmark.
   *
   * @param args see the class documentation
   * @throws Exception when the clusters cannot start
   */
  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
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
    Bench bench = new Bench(options);
    bench.procs.installCleanupHook();
    int code = bench.run();
    System.exit(code);
  }

  /**
   * The contestants in the order they race in {@code round}: as given in odd rounds, reversed in even ones
   * (A B C, C B A, A B C, ...). Brokers that still speed up (or slow down) from round to round then favour no
   * contestant for going later.
   */
  static List<Contestant> roundOrder(List<Contestant> contestants, int round) {
    List<Contestant> order = new ArrayList<>(contestants);
    if (round % 2 == 0) {
      java.util.Collections.reverse(order);
    }
    return order;
  }

  private int run() throws Exception {
    log("Mirror benchmark: " + options.describe());
    log("contestant JVMs: " + procs.java() + " -Xmx" + options.heap + "; Mirror runner jar " + runnerJar
        + " (built " + Files.getLastModifiedTime(runnerJar) + ")");
    log("logs of every process: " + procs.logDir());
    log("brokers' logs: " + (options.brokerData == null ? "the JVM's temporary directory (disk)"
        : options.brokerData + (options.brokerData.startsWith("/dev/shm") ? " (memory)" : "")));
    BenchProcesses.Clusters clusters = procs.startClusterHost(options.maxMinutes, options.brokerData);
    host = clusters.host();
    sourceServers = clusters.sourceServers();
    targetServers = clusters.targetServers();
    Map<Workload, List<Result>> results = new LinkedHashMap<>();
    Map<Contestant, List<LatencyProbe.Result>> latency = new EnumMap<>(Contestant.class);
    try (Admin source = admin(sourceServers); Admin target = admin(targetServers)) {
      int w = 0;
      for (Workload workload : options.workloads) {
        w++;
        String topic = "bench-" + runStamp + "-w" + w;
        preload(source, topic, workload);
        for (int i = 1; i <= options.warmUpRounds; i++) {
          // Unmeasured rounds first, so no measured round pays for the brokers' cold start: their JIT compiles
          // the code each contestant's requests run (compacted internal topics, group and config look-ups, ...).
          for (Contestant c : roundOrder(options.contestants, i)) {
            Result r = race(target, c, workload, w, -i, topic);
            log(String.format(Locale.ROOT, "  %-30s warm-up %d (not counted): %,.0f records/s%s", options.title(c), i,
                r.recordsPerSecond(), r.completed() ? "" : " INCOMPLETE (" + r.note() + ")"));
          }
        }
        List<Result> list = new ArrayList<>();
        results.put(workload, list);
        for (int round = 1; round <= options.rounds; round++) {
          for (Contestant c : roundOrder(options.contestants, round)) {
            Result r = race(target, c, workload, w, round, topic);
            list.add(r);
            log(String.format(Locale.ROOT,
                "  %-30s round %d: %s first record %.2f s, %,.0f records/s, %.1f MiB/s, CPU %.2f s/M records "
                    + "(%.2f without JIT; brokers %.2f), peak RSS %.0f MiB, all records after %.1f s; other processes "
                    + "%.2f cores",
                options.title(c), round, r.completed() ? "" : "INCOMPLETE (" + r.note() + ")", r.firstRecordSeconds(),
                r.recordsPerSecond(), r.mibPerSecond(), r.cpuSecondsPerMillion(), r.cpuWithoutJitPerMillion(),
                r.brokerCpuPerMillion(), r.peakRssMib(),
                r.totalSeconds(), r.otherLoadCores()));
          }
        }
        BenchProcesses.deleteTopics(source, List.of(topic));
      }
      if (options.latency) {
        log(String.format(Locale.ROOT, "latency: %,d records/s of %d B, measured for %d s after a %d s warm-up",
            options.latencyRate, options.latencySize, options.latencyWindow.toSeconds(), LATENCY_WARM_UP.toSeconds()));
        for (int i = 1; i <= options.warmUpRounds; i++) {
          // As for throughput: the first latency races ran on brokers whose JIT had not yet compiled the paths of
          // a low-rate flow (small produce requests, fetches that wait), which cost whoever raced first.
          for (Contestant c : roundOrder(options.contestants, i)) {
            LatencyProbe.Result r = latencyRace(source, target, c, -i, LATENCY_WARM_UP_WINDOW);
            log(String.format(Locale.ROOT, "  %-30s warm-up %d (not counted): p50 %.0f ms, p99 %.0f ms",
                options.title(c), i, r.p50(), r.p99()));
          }
        }
        for (int round = 1; round <= options.rounds; round++) {
          for (Contestant c : roundOrder(options.contestants, round)) {
            LatencyProbe.Result r = latencyRace(source, target, c, round, options.latencyWindow);
            latency.computeIfAbsent(c, k -> new ArrayList<>()).add(r);
            log(String.format(Locale.ROOT, "  %-30s round %d: p50 %.0f ms, p99 %.0f ms, max %.0f ms (%,d records, %,d "
                    + "took %d ms or more, the slowest sent at %s; source leg alone: p99 %.0f ms, max %.0f ms, %,d "
                    + "late)%s", options.title(c), round, r.p50(), r.p99(), r.max(), r.measured(), r.late(),
                LatencyProbe.LATE_MILLIS, clockTime(r.slowestSentAt()), r.sourceLeg().p99(), r.sourceLeg().max(),
                r.sourceLeg().late(), r.note().isEmpty() ? "" : "; " + r.note()));
          }
        }
      }
    } finally {
      procs.stopClusterHost(host);
    }
    String markdown = Report.markdown(options, results, latency, BenchProcesses.machine(), runnerJar);
    System.out.println();
    System.out.println(markdown);
    Files.createDirectories(options.out.toAbsolutePath().getParent());
    Files.writeString(options.out, markdown, StandardCharsets.UTF_8);
    log("results written to " + options.out.toAbsolutePath());
    boolean allCompleted = results.values().stream().flatMap(List::stream).allMatch(Result::completed)
        && latency.values().stream().flatMap(List::stream).allMatch(r -> r.measured() > 0);
    return allCompleted ? 0 : 1;
  }

  // ---------------------------------------------------------------------------------------------- clusters

  /** Waits until the brokers' JVM is quiet: see {@link BenchProcesses#awaitQuiet}. */
  private void awaitQuietBrokers() throws InterruptedException {
    BenchProcesses.awaitQuiet(host, QUIET_TIMEOUT, QUIET_CPU);
  }

  private void preload(Admin source, String topic, Workload workload) throws Exception {
    long start = System.nanoTime();
    source.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) -1))).all().get(30, TimeUnit.SECONDS);
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sourceServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-preload");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 524_288);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L << 20);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    Random random = new Random(42);
    byte[][] values = new byte[64][workload.size()];
    for (byte[] v : values) {
      random.nextBytes(v); // incompressible payload
    }
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (long i = 0; i < workload.records() && failure.get() == null; i++) {
        producer.send(new ProducerRecord<>(topic, (int) (i % PARTITIONS), null, values[(int) (i % values.length)]),
            (m, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("preloading " + topic + " failed: " + failure.get(), failure.get());
    }
    long end = endOffsetSum(source, topic, PARTITIONS);
    if (end != workload.records()) {
      throw new IllegalStateException("preloaded " + end + " records into " + topic + ", expected "
          + workload.records());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    log(String.format(Locale.ROOT, "workload %s: preloaded %s (%d partitions, %.0f MiB) in %.1f s",
        workload.label(), topic, PARTITIONS, workload.mib(), seconds));
  }

  // ---------------------------------------------------------------------------------------------- races

  private Result race(Admin target, Contestant c, Workload workload, int w, int round, String topic)
      throws Exception {
    String id = "w" + w + (round < 0 ? "u" + -round : "r" + round) + c.idCode();
    String sourceAlias = "src" + id;
    String targetAlias = "tgt" + id;
    String targetTopic = sourceAlias + "." + topic;
    List<String> cmd = command(c, id, sourceAlias, targetAlias, topic, targetTopic, workload);
    Path logFile = procs.logDir().resolve(id + ".log");

    long n = workload.records();
    long tenth = (long) Math.ceil(n * 0.10);
    long ninetieth = (long) Math.ceil(n * 0.90);
    Duration timeout = options.raceTimeout != null ? options.raceTimeout
        : Duration.ofSeconds(90 + (long) (workload.mib() / 3.0));

    awaitQuietBrokers();
    double machine0 = ProcStats.machineBusySeconds();
    double host0 = ProcStats.cpuSeconds(host.toHandle());
    double self0 = ProcStats.cpuSeconds(ProcessHandle.current());
    long t0 = System.nanoTime();
    java.time.Instant started = java.time.Instant.now();
    Process process = procs.start(cmd, logFile);
    ProcessHandle handle = process.toHandle();
    long deadline = t0 + timeout.toNanos();

    long tFirst = -1;
    long countAtFirst = 0;
    long tDone = -1;
    Mark at10 = null;
    Mark at90 = null;
    double jitSeconds = Double.NaN;
    double cpuAtFirst = Double.NaN;
    double cpuAtDone = Double.NaN;
    List<TopicPartition> partitions = null;
    String note = "";
    double rss = Double.NaN;
    double otherLoad = Double.NaN;
    try {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          note = "the process exited with code " + process.exitValue() + "; see " + logFile;
          break;
        }
        long count = 0;
        if (partitions == null) {
          partitions = BenchProcesses.partitionsOf(target, targetTopic);
        }
        if (partitions != null) {
          count = endOffsetSum(target, partitions);
        }
        long now = System.nanoTime();
        if (count > 0) {
          double cpu = ProcStats.cpuSeconds(handle);
          if (tFirst < 0) {
            tFirst = now;
            countAtFirst = count;
            cpuAtFirst = cpu;
          }
          if (at10 == null && count >= tenth) {
            at10 = mark(handle, cpu, count, now);
          }
          if (at90 == null && count >= ninetieth) {
            at90 = mark(handle, cpu, count, now);
            jitSeconds = ThreadCpu.compilerTicks(handle.pid(), at10.threads(), at90.threads())
                / (double) ProcStats.CLOCK_TICKS;
          }
          if (count >= n) {
            tDone = now;
            cpuAtDone = cpu;
            otherLoad = (ProcStats.machineBusySeconds() - machine0 - (ProcStats.cpuSeconds(host.toHandle()) - host0)
                - (ProcStats.cpuSeconds(ProcessHandle.current()) - self0) - cpu) / ((now - t0) / 1e9);
            // In exactly-once mode each commit's marker takes an offset of every partition it wrote to.
            if (count > n && c != Contestant.MIRROR_EOS) {
              note = "the target holds " + count + " records, " + (count - n) + " more than the source";
            }
            break;
          }
        }
        Thread.sleep((tFirst < 0 ? POLL_BEFORE_FIRST : POLL_AFTER_FIRST).toMillis());
      }
      if (tDone < 0 && note.isEmpty()) {
        note = "timed out after " + timeout.toSeconds() + " s; see " + logFile;
      }
    } finally {
      rss = ProcStats.peakRssMib(handle);
      String threads = at10 == null || at90 == null ? ""
          : busiestThreads("", process, at10.threads(), at90.threads(), (at90.nanos() - at10.nanos()) / 1e9)
              + busiestThreads("the brokers' JVM: ", host, at10.hostThreads(), at90.hostThreads(),
                  (at90.nanos() - at10.nanos()) / 1e9);
      procs.stop(process);
      // Wall-clock times, to line the contestant's own log up with the race (where its first record's time went).
      Files.writeString(logFile, System.lineSeparator() + "[bench] started at " + started + (tFirst < 0 ? ""
          : ", first record on the target seen at " + started.plusNanos(tFirst - t0) + String.format(Locale.ROOT,
              " (the process had used %.2f CPU s by then)", cpuAtFirst)) + "; stopped; peak RSS " + rss
          + " MiB" + System.lineSeparator() + threads, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      BenchProcesses.deleteTopics(target, List.of(targetTopic));
    }
    Thread.sleep(COOL_DOWN.toMillis());
    return result(c, round, workload, note, t0, tFirst, countAtFirst, tDone, at10, at90, cpuAtFirst, cpuAtDone,
        jitSeconds, rss, otherLoad);
  }

  /** The contestant's and the brokers' CPU, overall and per thread, when the target held {@code count} records. */
  private record Mark(double cpu, long count, long nanos, Map<Long, Long> threads, double hostCpu,
      Map<Long, Long> hostThreads) {}

  private Mark mark(ProcessHandle contestant, double cpu, long count, long now) {
    return new Mark(cpu, count, now, ThreadCpu.ticks(contestant.pid()), ProcStats.cpuSeconds(host.toHandle()),
        ThreadCpu.ticks(host.pid()));
  }

  /**
   * The threads that used the most CPU while the target went from 10 % to 90 % (a line for the contestant's log),
   * or an empty string when the race did not get that far or the process ended.
   */
  private static String busiestThreads(String whose, Process process, Map<Long, Long> at10, Map<Long, Long> at90,
      double seconds) throws IOException, InterruptedException {
    if (seconds <= 0 || !process.isAlive()) {
      return "";
    }
    String threadPrint = HeapInfo.jcmd(process.pid(), "Thread.print");
    List<ThreadCpu.Usage> busiest = ThreadCpu.busiest(at10, at90,
        threadPrint == null ? Map.of() : ThreadCpu.names(threadPrint), seconds, ProcStats.CLOCK_TICKS, 12);
    return String.format(Locale.ROOT, "[bench] %sCPU seconds per thread from 10%% to 90%% of the records (%.1f s): %s%n",
        whose, seconds, busiest.stream().map(u -> String.format(Locale.ROOT, "%s %.2f", u.name(), u.seconds())).toList());
  }

  private static Result result(Contestant c, int round, Workload workload, String note, long t0, long tFirst,
      long countAtFirst, long tDone, Mark at10, Mark at90, double cpuAtFirst, double cpuAtDone,
      double jitSeconds, double rss, double otherLoad) {
    double first = tFirst < 0 ? Double.NaN : (tFirst - t0) / 1e9;
    boolean completed = tDone >= 0;
    double rate = Double.NaN;
    double cpuPerM = Double.NaN;
    double withoutJitPerM = Double.NaN;
    double brokerPerM = Double.NaN;
    double total = Double.NaN;
    if (completed) {
      total = (tDone - t0) / 1e9;
      double copySeconds = (tDone - tFirst) / 1e9;
      rate = copySeconds > 0 ? (workload.records() - countAtFirst) / copySeconds : Double.NaN;
      if (at10 != null && at90 != null && at90.count() > at10.count()) {
        double millions = (at90.count() - at10.count()) / 1e6;
        cpuPerM = (at90.cpu() - at10.cpu()) / millions;
        // The same window without the JIT compiler's threads, and the brokers' JVM in it.
        withoutJitPerM = (at90.cpu() - at10.cpu() - jitSeconds) / millions;
        brokerPerM = (at90.hostCpu() - at10.hostCpu()) / millions;
      } else if (workload.records() > countAtFirst) {
        cpuPerM = (cpuAtDone - cpuAtFirst) / (workload.records() - countAtFirst) * 1e6;
      }
    }
    double mib = rate * workload.size() / (1 << 20);
    return new Result(c, round, completed && note.isEmpty(), note, first, rate, mib, cpuPerM, withoutJitPerM,
        brokerPerM, rss, total, cpuAtDone, Math.max(0, otherLoad));
  }

  /**
   * Starts the contestant on a new, empty source topic, waits until it created the target topic, then measures
   * end-to-end latency at a fixed rate with {@link LatencyProbe}.
   */
  private LatencyProbe.Result latencyRace(Admin source, Admin target, Contestant c, int round, Duration window)
      throws Exception {
    String id = "l" + (round < 0 ? "u" + -round : round) + c.idCode();
    String topic = "lat-" + runStamp + "-" + id;
    String sourceAlias = "src" + id;
    String targetAlias = "tgt" + id;
    String targetTopic = sourceAlias + "." + topic;
    source.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) -1))).all().get(30, TimeUnit.SECONDS);
    List<String> cmd = command(c, id, sourceAlias, targetAlias, topic, targetTopic,
        new Workload(Long.MAX_VALUE, options.latencySize));
    Path logFile = procs.logDir().resolve(id + ".log");
    awaitQuietBrokers();
    Process process = procs.start(cmd, logFile);
    LatencyProbe.Result result;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      List<TopicPartition> partitions = null;
      while (partitions == null && process.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
        partitions = BenchProcesses.partitionsOf(target, targetTopic);
      }
      if (partitions == null) {
        result = LatencyProbe.Result.failed(0, 0,
            (process.isAlive() ? "the target topic was not created within 90 s" : "the process exited with code "
                + process.exitValue()) + "; see " + logFile);
      } else {
        result = LatencyProbe.run(sourceServers, targetServers, topic, targetTopic, partitions.size(),
            options.latencyRate, options.latencySize, Duration.ofSeconds(60), LATENCY_WARM_UP,
            window, Duration.ofSeconds(10));
      }
    } finally {
      procs.stop(process);
      BenchProcesses.deleteTopics(target, List.of(targetTopic));
      BenchProcesses.deleteTopics(source, List.of(topic));
    }
    Thread.sleep(COOL_DOWN.toMillis());
    return result;
  }

  /** Time of day with milliseconds, as the contestants' logs print it; "-" for 0. */
  static String clockTime(long epochMillis) {
    return epochMillis == 0 ? "-" : java.time.Instant.ofEpochMilli(epochMillis).atZone(java.time.ZoneId.systemDefault())
        .format(DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT));
  }

  private List<String> command(Contestant c, String id, String sourceAlias, String targetAlias, String topic,
      String targetTopic, Workload workload) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(procs.java(), "-Xmx" + options.heap));
    for (String o : options.jvmOptions) {
      cmd.add(o.replace("{id}", id).replace("{logs}", procs.logDir().toString()).replace("{contestant}", c.code));
    }
    switch (c) {
      case MIRROR, MIRROR_EOS, MIRROR_RECORDS -> {
        Map<String, String> p = mm2Properties(sourceAlias, targetAlias, topic, false, false);
        if (c == Contestant.MIRROR_EOS) {
          p.put("exactly.once.source.support", "enabled");
        } else if (c == Contestant.MIRROR_RECORDS) {
          p.put("copy.batches.enabled", "false");
        }
        for (String kv : options.mirrorProperties) {
          int eq = kv.indexOf('=');
          p.put(kv.substring(0, eq).trim().replace("{source}", sourceAlias).replace("{target}", targetAlias),
              kv.substring(eq + 1).trim());
        }
        Path props = procs.writeProperties(id, p, Bench.class.getName());
        cmd.addAll(BenchProcesses.mirrorArguments(runnerJar, props, targetAlias));
      }
      case MM2, MM2_TUNED -> {
        Path props = procs.writeProperties(id, mm2Properties(sourceAlias, targetAlias, topic, true,
            c == Contestant.MM2_TUNED), Bench.class.getName());
        cmd.addAll(procs.mm2Arguments(props, targetAlias));
      }
      case BARE -> cmd.addAll(List.of(
          "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn",
          "-cp", procs.classpath(), BareLoop.class.getName(),
          sourceServers, targetServers, topic, targetTopic,
          Long.toString(workload.records()), Long.toString(options.maxMinutes)));
    }
    return cmd;
  }

  /** The mm2.properties of a race: the same flow keys for Mirror and MM2; MM2 also gets replication factor 1. */
  private Map<String, String> mm2Properties(String sourceAlias, String targetAlias, String topic, boolean mm2,
      boolean tuned) {
    // One-broker clusters: MM2's default replication factors (2 and 3) cannot be met.
    Map<String, String> p = BenchProcesses.mm2Properties(sourceAlias, targetAlias, sourceServers, targetServers,
        topic, mm2);
    if (tuned) {
      for (String alias : List.of(sourceAlias, targetAlias)) {
        p.put(alias + ".producer.batch.size", "524288");
        p.put(alias + ".producer.linger.ms", "10");
        p.put(alias + ".producer.enable.idempotence", "true");
        p.put(alias + ".producer.max.in.flight.requests.per.connection", "5");
        p.put(alias + ".producer.compression.type", "none");
      }
    }
    return p;
  }

  private static long endOffsetSum(Admin admin, String topic, int partitions) throws Exception {
    List<TopicPartition> tps = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      tps.add(new TopicPartition(topic, i));
    }
    return endOffsetSum(admin, tps);
  }

  /** Sum of the partitions' end offsets; 0 while a partition is not ready. */
  private static long endOffsetSum(Admin admin, List<TopicPartition> partitions) throws InterruptedException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (TopicPartition tp : partitions) {
      request.put(tp, OffsetSpec.latest());
    }
    try {
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets =
          admin.listOffsets(request).all().get(5, TimeUnit.SECONDS);
      return offsets.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    } catch (ExecutionException | TimeoutException e) {
      return 0;
    }
  }

  /** The command line. */
  static final class Options {
    static final String USAGE = String.join("\n",
        "usage: Bench [--quick] [--rounds R] [--workload NxS ...] [--contestants mirror,mirror-eos,mirror-records,mm2,mm2-tuned,bare]",
        "             [--heap 1g] [--race-timeout SECONDS] [--out FILE]",
        "             [--no-latency] [--latency-rate RECORDS_PER_S] [--latency-seconds S]",
        "             [--warm-up-rounds N] [--no-warm-up]  (unmeasured rounds of every contestant before the",
        "              measured ones, for throughput and for latency: 2)",
        "             [--broker-data DIR|tmp]  (where the brokers keep their logs: /dev/shm when it has 8 GiB free,",
        "              else tmp, the JVM's temporary directory)",
        "             [--mirror-property KEY=VALUE ...]  (an experiment: not Mirror's default configuration;",
        "              {source} and {target} in KEY stand for the race's cluster aliases)",
        "             [--jvm-option OPTION ...]  (added to every contestant's JVM; {id} stands for the race,",
        "              {contestant} for the contestant's code, {logs} for the log directory:",
        "              --jvm-option -XX:StartFlightRecording=filename={logs}/{id}.jfr)",
        "  default: workloads 2000000x512 and 200000x4096, 5 rounds, every contestant;",
        "           then latency at 10000 records/s of 512 B, 20 s per race, 5 rounds",
        "  --quick: workload 200000x512, 3 rounds; latency 10 s per race");
    static final List<Workload> DEFAULT_WORKLOADS =
        List.of(new Workload(2_000_000, 512), new Workload(200_000, 4096));

    List<Workload> workloads = new ArrayList<>();
    /** 0 until parsed: then 5, or 3 with {@code --quick}, unless given. */
    int rounds;
    List<Contestant> contestants = List.of(Contestant.values());
    String heap = "1g";
    Duration raceTimeout;
    long maxMinutes = 240;
    Path out = defaultOut();
    boolean quick;
    boolean help;
    boolean latency = true;
    int warmUpRounds = 2;
    Path brokerData = BenchProcesses.defaultBrokerDataDir();
    List<String> mirrorProperties = new ArrayList<>();
    List<String> jvmOptions = new ArrayList<>();
    int latencyRate = 10_000;
    int latencySize = 512;
    Duration latencyWindow;
    String commandLine = "";

    static Options parse(String[] args) {
      Options o = new Options();
      o.commandLine = String.join(" ", args);
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "-h", "--help" -> o.help = true;
          case "--quick" -> o.quick = true;
          case "--rounds" -> {
            o.rounds = Integer.parseInt(value(args, ++i, a));
            if (o.rounds < 1 || o.rounds > 50) {
              throw new IllegalArgumentException("--rounds must be 1..50");
            }
          }
          case "--workload" -> o.workloads.add(Workload.parse(value(args, ++i, a)));
          case "--contestants" -> o.contestants = Arrays.stream(value(args, ++i, a).split(","))
              .map(String::trim).filter(s -> !s.isEmpty()).map(Contestant::of).distinct().sorted().toList();
          case "--heap" -> o.heap = value(args, ++i, a);
          case "--race-timeout" -> o.raceTimeout = Duration.ofSeconds(Long.parseLong(value(args, ++i, a)));
          case "--out" -> o.out = Paths.get(value(args, ++i, a));
          case "--no-latency" -> o.latency = false;
          case "--no-warm-up" -> o.warmUpRounds = 0;
          case "--broker-data" -> {
            String dir = value(args, ++i, a);
            o.brokerData = dir.equals("tmp") ? null : Paths.get(dir);
          }
          case "--warm-up-rounds" -> {
            o.warmUpRounds = Integer.parseInt(value(args, ++i, a));
            if (o.warmUpRounds < 0 || o.warmUpRounds > 20) {
              throw new IllegalArgumentException("--warm-up-rounds must be 0..20");
            }
          }
          case "--jvm-option" -> o.jvmOptions.add(value(args, ++i, a));
          case "--mirror-property" -> {
            String kv = value(args, ++i, a);
            if (!kv.contains("=")) {
              throw new IllegalArgumentException("--mirror-property needs KEY=VALUE, got '" + kv + "'");
            }
            o.mirrorProperties.add(kv);
          }
          case "--latency-rate" -> o.latencyRate = Integer.parseInt(value(args, ++i, a));
          case "--latency-seconds" -> o.latencyWindow = Duration.ofSeconds(Long.parseLong(value(args, ++i, a)));
          default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
        }
      }
      if (o.rounds == 0) {
        // Five rounds: with three, one slow round of a contestant on this kind of machine moved its median.
        o.rounds = o.quick ? 3 : 5;
      }
      if (o.workloads.isEmpty()) {
        o.workloads = o.quick ? List.of(new Workload(200_000, 512)) : DEFAULT_WORKLOADS;
      }
      if (o.latencyWindow == null) {
        o.latencyWindow = Duration.ofSeconds(o.quick ? 10 : 20);
      }
      if (o.latencyRate < 1 || o.latencyRate > 1_000_000 || o.latencyWindow.toSeconds() < 1
          || o.latencyWindow.toSeconds() > 3600) {
        throw new IllegalArgumentException("--latency-rate must be 1..1000000 and --latency-seconds 1..3600");
      }
      if (o.contestants.isEmpty()) {
        throw new IllegalArgumentException("--contestants lists no contestant");
      }
      Set<Workload> distinct = Set.copyOf(o.workloads);
      if (distinct.size() != o.workloads.size()) {
        throw new IllegalArgumentException("a workload is given twice");
      }
      return o;
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }

    private static Path defaultOut() {
      return BenchProcesses.defaultOutDir().resolve("bench-results.md");
    }

    /** The contestant's name in tables; says so when Mirror does not run in its default configuration. */
    String title(Contestant c) {
      return c == Contestant.MIRROR && !mirrorProperties.isEmpty() ? "Mirror (runner, NOT default: "
          + String.join(", ", mirrorProperties) + ")" : c.title;
    }

    String describe() {
      return "workloads " + workloads.stream().map(Workload::label).collect(Collectors.joining(", "))
          + " over " + PARTITIONS + " partitions; " + rounds + " rounds of "
          + contestants.stream().map(c -> c.code).collect(Collectors.joining(" ")) + "; contestant heap -Xmx" + heap
          + (mirrorProperties.isEmpty() ? "" : "; MIRROR NOT IN ITS DEFAULT CONFIGURATION: " + mirrorProperties)
          + (warmUpRounds == 0 ? "; no warm-up round" : "; " + warmUpRounds + " unmeasured warm-up round(s)")
          + "; brokers' logs in " + (brokerData == null ? "the temporary directory" : brokerData.toString())
          + (jvmOptions.isEmpty() ? "" : "; contestant JVM options " + jvmOptions)
          + (latency ? String.format(Locale.ROOT, "; latency at %,d records/s of %d B for %d s", latencyRate,
              latencySize, latencyWindow.toSeconds()) : "; no latency races");
    }
  }

  /** Formats results. */
  static final class Report {
    private Report() {}

    static String markdown(Options options, Map<Workload, List<Result>> results,
        Map<Contestant, List<LatencyProbe.Result>> latency, Map<String, String> machine, Path runnerJar) {
      StringBuilder sb = new StringBuilder();
      sb.append("# Mirror benchmark results\n\n");
      sb.append("Run ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
          .append(", arguments `").append(options.commandLine.isEmpty() ? "(none)" : options.commandLine)
          .append("`: ").append(options.describe()).append(".\n\n");
      machine.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
      sb.append("- Mirror: `java -Xmx").append(options.heap).append(" -jar ").append(runnerJar.getFileName())
          .append(" mm2.properties`, ").append(options.mirrorProperties.isEmpty() ? "default configuration"
              : "**not** its default configuration: " + options.mirrorProperties).append('\n');
      sb.append("- brokers: two single-node KRaft clusters in one separate JVM (-Xmx1g) on 127.0.0.1; every "
          + "contestant is its own JVM (-Xmx").append(options.heap).append(") measured from outside\n\n");
      for (Map.Entry<Workload, List<Result>> e : results.entrySet()) {
        workloadSection(sb, options, e.getKey(), e.getValue());
      }
      if (!latency.isEmpty()) {
        latencySection(sb, options, latency);
      }
      sb.append("How to read: records/s and MiB/s (payload) from the first record on the target until it held "
          + "every record; first record: from process start; CPU: user+sys seconds of the contestant's process "
          + "per million records while the target went from 10% to 90%, then the same without the threads of the "
          + "JIT compiler (still compiling in races this short) and the brokers' JVM's CPU in that window "
          + "(per-thread figures in each contestant's log); peak RSS: VmHWM. Median [min–max] over "
          + "the rounds; rounds alternate the contestants, in reverse order every other round (A B C, C B A, ...); "
          + "unmeasured warm-up rounds of every contestant warm the brokers up "
          + "before round 1 of each workload and of the latency races (those with a 5 s window), and each race "
          + "starts once the brokers' JVM is idle. Latency: a producer in the benchmark's JVM writes to a new "
          + "source topic at a fixed rate, stamping each record with its send time; a consumer of the target "
          + "topic takes arrival time minus that stamp, for records sent in the measured window (after the first "
          + "replicated record and a 5 s warm-up); a consumer of the source topic in the same JVM takes the same "
          + "figure for the source leg alone (send to readable on the source), which no replicator can beat.\n");
      return sb.toString();
    }

    private static void workloadSection(StringBuilder sb, Options options, Workload w, List<Result> results) {
      sb.append("## ").append(w.label()).append(" (").append(String.format(Locale.ROOT, "%.0f MiB", w.mib()))
          .append(")\n\n");
      Map<Contestant, Map<Figure, Stats>> stats = new EnumMap<>(Contestant.class);
      for (Contestant c : options.contestants) {
        Map<Figure, Stats> m = new EnumMap<>(Figure.class);
        for (Figure f : Figure.values()) {
          m.put(f, Stats.of(results.stream().filter(r -> r.contestant() == c && r.completed())
              .map(r -> f.of(r)).toList()));
        }
        stats.put(c, m);
      }
      sb.append("| contestant | rounds ok |");
      for (Figure f : Figure.values()) {
        sb.append(' ').append(f.title).append(" |");
      }
      sb.append("\n|---|---|");
      sb.append("---|".repeat(Figure.values().length)).append('\n');
      for (Contestant c : options.contestants) {
        long ok = results.stream().filter(r -> r.contestant() == c && r.completed()).count();
        long all = results.stream().filter(r -> r.contestant() == c).count();
        sb.append("| ").append(options.title(c)).append(" | ").append(ok).append('/').append(all).append(" |");
        for (Figure f : Figure.values()) {
          sb.append(' ').append(format(f, stats.get(c).get(f))).append(" |");
        }
        sb.append('\n');
      }
      Stats other = Stats.of(results.stream().map(Result::otherLoadCores).toList());
      if (other.present()) {
        sb.append('\n').append(String.format(Locale.ROOT, "Other processes on the machine (not the brokers, the "
            + "contestant or the benchmark) used %.2f cores [%.2f–%.2f] during the races%s.%n", other.median(),
            other.min(), other.max(), other.median() > 0.1 ? " — **the machine was not idle: figures are noisy**"
                : other.max() > 0.2 ? " — some races shared the machine with other work" : ""));
      }
      sb.append('\n');

      // Ratios of medians, every pair.
      List<Figure> ratioFigures = List.of(Figure.RECORDS_PER_S, Figure.CPU_PER_M, Figure.CPU_NO_JIT_PER_M,
          Figure.BROKER_CPU_PER_M, Figure.FIRST_RECORD_S, Figure.PEAK_RSS);
      sb.append("| ratio of medians |");
      for (Figure f : ratioFigures) {
        sb.append(' ').append(f.title).append(" |");
      }
      sb.append("\n|---|").append("---|".repeat(ratioFigures.size())).append('\n');
      List<Contestant> cs = options.contestants;
      for (int i = 0; i < cs.size(); i++) {
        for (int j = 0; j < cs.size(); j++) {
          if (i == j) {
            continue;
          }
          sb.append("| ").append(cs.get(i).code).append(" ÷ ").append(cs.get(j).code).append(" |");
          for (Figure f : ratioFigures) {
            double r = stats.get(cs.get(i)).get(f).ratioTo(stats.get(cs.get(j)).get(f));
            sb.append(' ').append(Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "%.2f", r)).append(" |");
          }
          sb.append('\n');
        }
      }
      sb.append('\n');
      pairedRatios(sb, options, results);

      if (stats.containsKey(Contestant.MIRROR)) {
        sb.append("Targets (issue #6, medians):\n\n");
        Map<Figure, Stats> m = stats.get(Contestant.MIRROR);
        if (stats.containsKey(Contestant.BARE)) {
          Map<Figure, Stats> b = stats.get(Contestant.BARE);
          target(sb, "throughput ≥ 0.95× the bare loop",
              m.get(Figure.RECORDS_PER_S).ratioTo(b.get(Figure.RECORDS_PER_S)), 0.95, true);
          target(sb, "CPU per million records ≤ 1.15× the bare loop",
              m.get(Figure.CPU_PER_M).ratioTo(b.get(Figure.CPU_PER_M)), 1.15, false);
          target(sb, "the same without the JIT compiler's threads (the copy's own cost once compiled)",
              m.get(Figure.CPU_NO_JIT_PER_M).ratioTo(b.get(Figure.CPU_NO_JIT_PER_M)), 1.15, false);
        }
        if (stats.containsKey(Contestant.MM2_TUNED)) {
          Map<Figure, Stats> t = stats.get(Contestant.MM2_TUNED);
          target(sb, "throughput ≥ 1.7× tuned MM2",
              m.get(Figure.RECORDS_PER_S).ratioTo(t.get(Figure.RECORDS_PER_S)), 1.7, true);
        }
        target(sb, "first record within 1.5 s of process start (s)", m.get(Figure.FIRST_RECORD_S).median(), 1.5,
            false);
        sb.append('\n');
      }
      List<Result> failed = results.stream().filter(r -> !r.completed()).toList();
      if (!failed.isEmpty()) {
        sb.append("Incomplete races (left out of the figures):\n\n");
        for (Result r : failed) {
          sb.append("- ").append(options.title(r.contestant())).append(", round ").append(r.round()).append(": ")
              .append(r.note()).append('\n');
        }
        sb.append('\n');
      }
    }

    /**
     * Mirror against every other contestant round by round: the ratio of Mirror's figure to the other's in the
     * same round (the two raced at most a few minutes apart, so slow phases of the shared machine weigh on
     * both), median [min–max] over the rounds both completed.
     */
    private static void pairedRatios(StringBuilder sb, Options options, List<Result> results) {
      if (!options.contestants.contains(Contestant.MIRROR) || options.contestants.size() < 2) {
        return;
      }
      List<Figure> figures = List.of(Figure.RECORDS_PER_S, Figure.CPU_PER_M, Figure.CPU_NO_JIT_PER_M,
          Figure.FIRST_RECORD_S);
      sb.append("| Mirror ÷ other, paired by round |");
      for (Figure f : figures) {
        sb.append(' ').append(f.title).append(" |");
      }
      sb.append("\n|---|").append("---|".repeat(figures.size())).append('\n');
      for (Contestant other : options.contestants) {
        if (other == Contestant.MIRROR) {
          continue;
        }
        sb.append("| ").append(Contestant.MIRROR.code).append(" ÷ ").append(other.code).append(" |");
        for (Figure f : figures) {
          sb.append(' ').append(pairedRatio(results, Contestant.MIRROR, other, f).format("%.2f")).append(" |");
        }
        sb.append('\n');
      }
      sb.append('\n');
    }

    /** Per round, {@code a}'s figure over {@code b}'s, for the rounds both completed. */
    static Stats pairedRatio(List<Result> results, Contestant a, Contestant b, Figure f) {
      List<Double> ratios = new ArrayList<>();
      for (Result ra : results) {
        if (ra.contestant() != a || !ra.completed()) {
          continue;
        }
        for (Result rb : results) {
          if (rb.contestant() == b && rb.completed() && rb.round() == ra.round() && f.of(rb) != 0) {
            ratios.add(f.of(ra) / f.of(rb));
          }
        }
      }
      return Stats.of(ratios);
    }

    private static void latencySection(StringBuilder sb, Options options,
        Map<Contestant, List<LatencyProbe.Result>> latency) {
      sb.append(String.format(Locale.ROOT, "## End-to-end latency at %,d records/s of %d B%n%n", options.latencyRate,
          options.latencySize));
      sb.append("| contestant | rounds ok | p50 (ms) | p99 (ms) | max (ms) | records measured per round "
          + "| source leg alone: p99 (ms) |\n");
      sb.append("|---|---|---|---|---|---|---|\n");
      Map<Contestant, Stats> p99 = new EnumMap<>(Contestant.class);
      for (Contestant c : options.contestants) {
        List<LatencyProbe.Result> rs = latency.getOrDefault(c, List.of());
        List<LatencyProbe.Result> ok = rs.stream().filter(r -> r.measured() > 0).toList();
        Stats s50 = Stats.of(ok.stream().map(LatencyProbe.Result::p50).toList());
        Stats s99 = Stats.of(ok.stream().map(LatencyProbe.Result::p99).toList());
        Stats smax = Stats.of(ok.stream().map(LatencyProbe.Result::max).toList());
        Stats count = Stats.of(ok.stream().map(r -> (double) r.measured()).toList());
        Stats sourceP99 = Stats.of(ok.stream().map(r -> r.sourceLeg().p99()).toList());
        p99.put(c, s99);
        sb.append("| ").append(options.title(c)).append(" | ").append(ok.size()).append('/').append(rs.size()).append(" | ")
            .append(fmt("%.0f", s50)).append(" | ").append(fmt("%.0f", s99)).append(" | ").append(fmt("%.0f", smax))
            .append(" | ").append(fmt("%,.0f", count)).append(" | ").append(fmt("%.0f", sourceP99)).append(" |\n");
      }
      sb.append('\n');
      if (p99.containsKey(Contestant.MIRROR)) {
        sb.append("Target (issue #6): Mirror's p99 ≤ 0.5× MM2's:\n\n");
        for (Contestant mm2 : List.of(Contestant.MM2, Contestant.MM2_TUNED)) {
          if (p99.containsKey(mm2)) {
            target(sb, "p99 ratio to " + options.title(mm2), p99.get(Contestant.MIRROR).ratioTo(p99.get(mm2)), 0.5, false);
          }
        }
        sb.append('\n');
      }
      List<String> notes = new ArrayList<>();
      latency.forEach((c, rs) -> {
        for (int i = 0; i < rs.size(); i++) {
          if (!rs.get(i).note().isEmpty()) {
            notes.add("- " + options.title(c) + ", round " + (i + 1) + ": " + rs.get(i).note());
          }
        }
      });
      if (!notes.isEmpty()) {
        sb.append("Notes:\n\n").append(String.join("\n", notes)).append("\n\n");
      }
    }

    private static String fmt(String pattern, Stats s) {
      return s.format(pattern);
    }

    private static void target(StringBuilder sb, String what, double value, double limit, boolean atLeast) {
      boolean met = !Double.isNaN(value) && (atLeast ? value >= limit : value <= limit);
      sb.append("- ").append(what).append(": ")
          .append(Double.isNaN(value) ? "not measured" : String.format(Locale.ROOT, "%.2f", value))
          .append(" — **").append(met ? "met" : "missed").append("**\n");
    }

    static String format(Figure f, Stats s) {
      return s.format(switch (f) {
        case RECORDS_PER_S -> "%,.0f";
        case MIB_PER_S -> "%.1f";
        case FIRST_RECORD_S, CPU_PER_M, CPU_NO_JIT_PER_M, BROKER_CPU_PER_M -> "%.2f";
        case PEAK_RSS -> "%.0f";
        case TOTAL_S -> "%.1f";
      });
    }
  }
}
