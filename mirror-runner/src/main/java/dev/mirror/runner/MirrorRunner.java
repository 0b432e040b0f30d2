package dev.mirror.runner;

import dev.mirror.FlowSpec;
import dev.mirror.FlowStatus;
import dev.mirror.Mirror;
import dev.mirror.MirrorConfigException;
import dev.mirror.MirrorStatus;
import dev.mirror.Mm2Properties;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Runs the flows of a MirrorMaker 2 {@code mm2.properties} file until the process is told to stop: the Mirror
 * counterpart of {@code connect-mirror-maker.sh}.
 *
 * <pre>
 * mirror-runner &lt;mm2.properties&gt; [--clusters A B ...]
 * </pre>
 *
 * <ul>
 *   <li>{@code --clusters A B ...} runs only the flows whose <em>target</em> is listed, as MM2's option does, so
 *       each data centre can run the flows into its own clusters.
 *   <li>The file is read by {@link Mm2Properties}, which documents every key. The Mirror is named by the
 *       optional {@code name} key, default {@value Mm2Properties#DEFAULT_NAME}; the name is part of the topic
 *       where Mirror keeps its positions on each target, so keep it when restarting.
 *   <li>Each configuration warning is printed to standard error as {@code warning: ...}. If the file has
 *       problems, they are printed to standard error and the process exits with {@value #EXIT_CONFIG} before
 *       contacting any broker.
 *   <li>Otherwise the Mirror starts; its state and each flow's progress are printed to standard output every
 *       30 seconds. Mirror's own log (slf4j-simple, configured by {@code simplelogger.properties} in this jar) goes
 *       to standard error.
 *   <li>On Ctrl-C or SIGTERM a JVM shutdown hook, installed by {@link #main} and not by the library, closes the
 *       Mirror (each flow flushes and stores its positions, for at most 30 seconds), prints
 *       {@code Mirror '<name>' stopped cleanly} and the process exits with {@value #EXIT_OK}.
 * </ul>
 *
 * <p>Exit codes: {@value #EXIT_OK} after a clean stop; {@value #EXIT_FAILURE} when every flow failed, the Mirror
 * did not stop in time, or an unexpected error happened; {@value #EXIT_CONFIG} for a usage error, an unreadable
 * file or an invalid configuration.
 *
 * <p>{@link #run(String[], PrintStream, PrintStream, CountDownLatch)} does the same work without exiting the
 * JVM, for tests and for hosts that embed the runner.
 *
 * <p>This class has only static methods and no shared state; {@link #run} may be called from several threads,
 * each with its own Mirror.
 */
public final class MirrorRunner {
  /** Exit code after a clean stop. */
  public static final int EXIT_OK = 0;
  /** Exit code when the Mirror failed or did not stop in time. */
  public static final int EXIT_FAILURE = 1;
  /** Exit code for a usage error, an unreadable file or an invalid configuration. */
  public static final int EXIT_CONFIG = 2;

  /** How often the status is printed. */
  public static final Duration STATUS_INTERVAL = Duration.ofSeconds(30);

  static final String USAGE = "usage: mirror-runner <mm2.properties> [--clusters A B ...]\n"
      + "  Runs the flows of a MirrorMaker 2 mm2.properties file until Ctrl-C or SIGTERM.\n"
      + "  --clusters A B ...  run only the flows whose target cluster is listed";

  /** How long the shutdown hook waits for {@link #run} to close the Mirror, beyond the close timeout. */
  private static final Duration HOOK_MARGIN = Duration.ofSeconds(15);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  private MirrorRunner() {}

  /**
   * Runs the runner and exits the JVM with its exit code. Ctrl-C and SIGTERM stop it cleanly: a shutdown hook
   * signals {@link #run}, waits for it to close the Mirror and then ends the JVM with {@link #run}'s exit code
   * through {@link Runtime#halt(int)} (a JVM ended by a signal would otherwise exit with 130 or 143).
   *
   * @param args {@code <mm2.properties> [--clusters A B ...]}
   */
  public static void main(String[] args) {
    warmUp(java.lang.management.ManagementFactory::getPlatformMBeanServer,
        () -> initialize("org.apache.kafka.common.protocol.ApiKeys"));
    warmUp(() -> initialize("org.apache.kafka.clients.consumer.ConsumerConfig",
        "org.apache.kafka.clients.producer.ProducerConfig", "org.apache.kafka.clients.admin.AdminClientConfig",
        "org.apache.kafka.common.metrics.Metrics", "org.apache.kafka.common.metrics.JmxReporter",
        "org.apache.kafka.clients.admin.KafkaAdminClient", "org.apache.kafka.clients.NetworkClient",
        "org.apache.kafka.common.network.Selector", "org.apache.kafka.clients.admin.internals.AdminMetadataManager"));
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(1);
    AtomicInteger exitCode = new AtomicInteger(EXIT_FAILURE);
    Thread hook = new Thread(() -> {
      stop.countDown();
      boolean done = false;
      try {
        done = finished.await(Mirror.DEFAULT_CLOSE_TIMEOUT.plus(HOOK_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (!done) {
        System.err.println("error: the Mirror did not stop within " + Mirror.DEFAULT_CLOSE_TIMEOUT.plus(HOOK_MARGIN)
            .toSeconds() + " s of the stop signal; exiting anyway");
      }
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(done ? exitCode.get() : EXIT_FAILURE);
    }, "mirror-runner-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    int code = EXIT_FAILURE;
    try {
      code = run(args, System.out, System.err, stop);
    } finally {
      exitCode.set(code);
      finished.countDown();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shutdownInProgress) {
      return; // the hook ends the JVM with the exit code
    }
    System.exit(code);
  }

  /**
   * Prepares on another core, while the main thread reads the file, what the start would otherwise prepare on
   * its critical path: the platform MBean server (every Kafka client registers there), the Kafka protocol's
   * message schemas (hundreds of classes), the clients' configuration definitions (which the file's keys are
   * checked against) and their metrics. On two cores the first thread (MBean server, schemas) takes about
   * 0.2-0.3 s off the time to the first replicated record of a cold JVM, the second (configurations, metrics)
   * a few hundredths more. A failure here only loses the head start.
   *
   * @param steps run in this order on a daemon thread, which never holds up the JVM's exit
   */
  static void warmUp(Runnable... steps) {
    Thread t = new Thread(() -> {
      try {
        for (Runnable step : steps) {
          step.run();
        }
      } catch (RuntimeException | LinkageError e) {
        // the start prepares the same, later
      }
    }, "mirror-runner-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /** Loads and initializes the classes, for {@link #warmUp}. */
  private static void initialize(String... classNames) {
    for (String c : classNames) {
      try {
        Class.forName(c, true, MirrorRunner.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Loads the file, starts the Mirror and runs it until {@code stop} is counted down, then closes it. Does not
   * exit the JVM and installs no shutdown hook.
   *
   * @param args {@code <mm2.properties> [--clusters A B ...]}
   * @param out where the lifecycle and status lines go
   * @param err where usage errors, configuration warnings and problems go
   * @param stop counted down to stop the Mirror
   * @return {@value #EXIT_OK}, {@value #EXIT_FAILURE} or {@value #EXIT_CONFIG}, as described in the class
   *     documentation
   */
  public static int run(String[] args, PrintStream out, PrintStream err, CountDownLatch stop) {
    return run(args, out, err, stop, STATUS_INTERVAL);
  }

  static int run(String[] args, PrintStream out, PrintStream err, CountDownLatch stop, Duration statusInterval) {
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    Objects.requireNonNull(stop, "stop");
    Arguments arguments = Arguments.parse(args, err);
    if (arguments == null) {
      return EXIT_CONFIG;
    }
    if (arguments.help) {
      out.println(USAGE);
      return EXIT_OK;
    }

    Mm2Properties props;
    try {
      props = Mm2Properties.load(arguments.file);
    } catch (UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      return EXIT_CONFIG;
    }
    if (!arguments.clusters.isEmpty()) {
      props = props.withClusters(arguments.clusters);
    }
    for (String warning : props.warnings()) {
      err.println("warning: " + warning);
    }
    Mirror mirror;
    try {
      mirror = props.toBuilder().build();
    } catch (MirrorConfigException e) {
      printProblems(err, arguments.file, e.problems());
      return EXIT_CONFIG;
    }
    return runMirror(mirror, arguments, out, err, stop, statusInterval);
  }

  private static int runMirror(Mirror mirror, Arguments arguments, PrintStream out, PrintStream err,
      CountDownLatch stop, Duration statusInterval) {
    List<String> flows = mirror.flows().stream().map(FlowSpec::id).collect(Collectors.toList());
    int code = EXIT_OK;
    try {
      mirror.start();
      print(out, "Mirror '" + mirror.name() + "' started from '" + arguments.file + "': flows " + flows
          + (arguments.clusters.isEmpty() ? "" : " (--clusters " + String.join(" ", arguments.clusters) + ")")
          + "; stop it with Ctrl-C or SIGTERM");
      while (!await(stop, statusInterval)) {
        MirrorStatus status = mirror.status();
        printStatus(out, status);
        if (status.state().isTerminal()
            || status.flows().stream().allMatch(f -> f.state().isTerminal())) {
          print(err, "error: every flow of Mirror '" + mirror.name() + "' has stopped; see the status above");
          code = EXIT_FAILURE;
          break;
        }
      }
    } catch (RuntimeException e) {
      print(err, "error: Mirror '" + mirror.name() + "' failed: " + e);
      code = EXIT_FAILURE;
    } finally {
      print(out, "stopping Mirror '" + mirror.name() + "' (at most " + Mirror.DEFAULT_CLOSE_TIMEOUT.toSeconds()
          + " s)");
      if (mirror.close(Mirror.DEFAULT_CLOSE_TIMEOUT)) {
        print(out, "Mirror '" + mirror.name() + "' stopped cleanly");
      } else {
        print(err, "error: Mirror '" + mirror.name() + "' did not stop within "
            + Mirror.DEFAULT_CLOSE_TIMEOUT.toSeconds() + " s; positions of records copied since the last store "
            + "will be copied again at the next start");
        code = EXIT_FAILURE;
      }
    }
    return code;
  }

  /** Waits for the stop signal; returns true when it came. Interruption counts as a stop signal. */
  private static boolean await(CountDownLatch stop, Duration timeout) {
    try {
      return stop.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private static void printProblems(PrintStream err, Path file, List<String> problems) {
    err.println("error: " + file + " has " + (problems.size() == 1 ? "1 problem" : problems.size() + " problems")
        + "; nothing was started:");
    for (String p : problems) {
      err.println("  - " + p);
    }
  }

  private static void printStatus(PrintStream out, MirrorStatus status) {
    print(out, "status: Mirror '" + status.name() + "' " + status.state() + ", "
        + (status.healthy() ? "healthy" : "not healthy"));
    for (FlowStatus f : status.flows()) {
      out.println("  flow " + f.flow() + " " + f.state() + ": " + f.recordsReplicated() + " records, "
          + f.topics() + " topics, " + f.partitions() + " partitions, " + f.restarts() + " restarts"
          + f.lastErrorMessage().map(e -> ", last error at " + f.lastErrorTime() + ": " + e).orElse(""));
    }
  }

  private static void print(PrintStream stream, String line) {
    stream.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS).format(TIME) + " " + line);
  }

  /** The command line. */
  private static final class Arguments {
    final Path file;
    final List<String> clusters;
    final boolean help;

    private Arguments(Path file, List<String> clusters, boolean help) {
      this.file = file;
      this.clusters = List.copyOf(clusters);
      this.help = help;
    }

    /** Parses the arguments; prints the reason and the usage to {@code err} and returns null when they are wrong. */
    static @Nullable Arguments parse(String[] args, PrintStream err) {
      String file = null;
      List<String> clusters = new ArrayList<>();
      boolean inClusters = false;
      boolean sawClusters = false;
      for (String arg : args) {
        if (arg.equals("-h") || arg.equals("--help")) {
          return new Arguments(Paths.get(""), List.of(), true);
        } else if (arg.equals("--clusters")) {
          if (sawClusters) {
            return usageError(err, "--clusters is given twice; list every target cluster after one --clusters");
          }
          inClusters = true;
          sawClusters = true;
        } else if (arg.startsWith("-")) {
          return usageError(err, "unknown option '" + arg + "'");
        } else if (inClusters) {
          clusters.addAll(List.of(arg.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty())
              .collect(Collectors.toList()));
        } else if (file == null) {
          file = arg;
        } else {
          return usageError(err, "unexpected argument '" + arg + "'; give one mm2.properties file");
        }
      }
      if (file == null) {
        return usageError(err, "missing the mm2.properties file");
      }
      if (sawClusters && clusters.isEmpty()) {
        return usageError(err, "--clusters needs at least one target cluster alias");
      }
      return new Arguments(Paths.get(file), clusters, false);
    }

    private static @Nullable Arguments usageError(PrintStream err, String reason) {
      err.println("error: " + reason);
      err.println(USAGE);
      return null;
    }
  }
}
