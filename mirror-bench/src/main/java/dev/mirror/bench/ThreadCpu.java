package dev.mirror.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which threads of another JVM used CPU during a window: per-thread user+sys ticks from
 * {@code /proc/<pid>/task/<tid>/stat} at both ends, named through {@code jcmd <pid> Thread.print}, whose
 * {@code nid} is the Linux thread id.
 */
final class ThreadCpu {

  /** One thread's CPU over the window. */
  record Usage(String name, double seconds, double cores) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s %.3f", name, cores);
    }
  }

  private static final Pattern THREAD_LINE = Pattern.compile("^\"(.*)\"\\s.*\\bnid=(0x[0-9a-fA-F]+)\\b");

  private ThreadCpu() {}

  /** User+sys clock ticks per thread id of the process; empty when unreadable. */
  static Map<Long, Long> ticks(long pid) {
    Map<Long, Long> m = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        long ticks = ProcStats.ticks(task.resolve("stat"));
        if (ticks >= 0) { // else the thread ended
          m.put(Long.parseLong(task.getFileName().toString()), ticks);
        }
      }
    } catch (IOException e) {
      // the process ended
    }
    return m;
  }

  /** Thread names by Linux thread id, from {@code jcmd Thread.print}'s output. */
  static Map<Long, String> names(String threadPrint) {
    Map<Long, String> m = new HashMap<>();
    for (String line : threadPrint.split("\\R")) {
      Matcher x = THREAD_LINE.matcher(line);
      if (x.find()) {
        m.put(Long.decode(x.group(2)), x.group(1));
      }
    }
    return m;
  }

  /**
   * The threads that used the most CPU between the two readings, busiest first; a thread jcmd did not name is
   * shown by its id.
   */
  static List<Usage> busiest(Map<Long, Long> before, Map<Long, Long> after, Map<Long, String> names,
      double windowSeconds, long ticksPerSecond, int limit) {
    List<Usage> all = new ArrayList<>();
    after.forEach((tid, t1) -> {
      long delta = t1 - before.getOrDefault(tid, 0L);
      if (delta > 0) {
        double s = delta / (double) ticksPerSecond;
        all.add(new Usage(names.getOrDefault(tid, "tid " + tid), s, s / windowSeconds));
      }
    });
    return all.stream().sorted(Comparator.comparingDouble(Usage::seconds).reversed()
        .thenComparing(Usage::name)).limit(limit).collect(Collectors.toList());
  }
}
