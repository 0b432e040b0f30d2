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

  /**
   * Clock ticks the JIT compiler's threads used between the two readings of {@link #ticks}: threads whose Linux
   * name ({@code /proc/<pid>/task/<tid>/comm}, as the JVM sets it) starts with {@code C1 Compiler} or
   * {@code C2 Compiler}, read now; a compiler thread that ended in between is missed.
   */
  static long compilerTicks(long pid, Map<Long, Long> before, Map<Long, Long> after) {
    long sum = 0;
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      String comm;
      try {
        comm = Files.readString(Paths.get("/proc", Long.toString(pid), "task", e.getKey().toString(), "comm"));
      } catch (IOException ex) {
        continue; // the thread ended
      }
      if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
        sum += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
      }
    }
    return sum;
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
