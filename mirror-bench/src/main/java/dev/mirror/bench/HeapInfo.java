package dev.mirror.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The used Java heap of another JVM, after a full collection, from {@code jcmd <pid> GC.run} and
 * {@code jcmd <pid> GC.heap_info} (the {@code jcmd} of this JVM's {@code java.home}).
 */
final class HeapInfo {

  /** A generation or whole heap line of G1, Parallel and Serial: {@code total 17408K, used 2885K}. */
  private static final Pattern TOTAL_USED = Pattern.compile("\\btotal\\s+\\d+[KMG]?,\\s+used\\s+(\\d+)([KMG]?)\\b");
  /** ZGC: {@code ZHeap used 36M, capacity 378M, max capacity 1024M}. */
  private static final Pattern ZGC = Pattern.compile("\\bZHeap\\s+used\\s+(\\d+)([KMG]?)\\b");
  /** Shenandoah: {@code 1024M max, 1024M soft max, 6656K committed, 2048K used}. */
  private static final Pattern SHENANDOAH = Pattern.compile("\\bcommitted,\\s+(\\d+)([KMG]?)\\s+used\\b");

  private HeapInfo() {}

  /**
   * The used heap in bytes from {@code GC.heap_info}'s output: the sum of the {@code used} sizes of the heap's
   * generations (G1 has one line for the whole heap; Parallel and Serial one per generation), ZGC's or
   * Shenandoah's used size. Metaspace is not heap and is left out.
   *
   * @return empty when the output names no heap size
   */
  static OptionalLong parseUsedBytes(String heapInfo) {
    long sum = 0;
    boolean found = false;
    for (String line : heapInfo.split("\\R")) {
      if (line.trim().startsWith("Metaspace") || line.trim().startsWith("class space")) {
        continue;
      }
      for (Pattern p : new Pattern[] {TOTAL_USED, ZGC, SHENANDOAH}) {
        Matcher m = p.matcher(line);
        if (m.find()) {
          sum += bytes(Long.parseLong(m.group(1)), m.group(2));
          found = true;
          break;
        }
      }
    }
    return found ? OptionalLong.of(sum) : OptionalLong.empty();
  }

  private static long bytes(long n, String unit) {
    return switch (unit) {
      case "K" -> n << 10;
      case "M" -> n << 20;
      case "G" -> n << 30;
      default -> n;
    };
  }

  /** The {@code jcmd} next to this JVM's {@code java}. */
  static Path jcmd() {
    return Paths.get(System.getProperty("java.home"), "bin", "jcmd");
  }

  /**
   * Runs {@code GC.run} then {@code GC.heap_info} on the process and parses the used heap.
   *
   * @param output receives jcmd's output of {@code GC.heap_info} (or why it failed), for the log
   * @return the used heap in bytes, empty when jcmd failed or printed no heap size
   */
  static OptionalLong usedAfterFullGc(long pid, StringBuilder output) throws InterruptedException {
    try {
      String gc = jcmd(pid, "GC.run");
      if (gc == null) {
        output.append("jcmd ").append(pid).append(" GC.run failed or timed out");
        return OptionalLong.empty();
      }
      String info = jcmd(pid, "GC.heap_info");
      if (info == null) {
        output.append("jcmd ").append(pid).append(" GC.heap_info failed or timed out");
        return OptionalLong.empty();
      }
      output.append(info);
      return parseUsedBytes(info);
    } catch (IOException e) {
      output.append("jcmd failed: ").append(e);
      return OptionalLong.empty();
    }
  }

  /**
   * The first {@code lines} lines of {@code jcmd <pid> GC.class_histogram} (the classes using the most heap, after
   * a full collection), for the log; a note when jcmd failed.
   */
  static String classHistogram(long pid, int lines) throws InterruptedException {
    try {
      String out = jcmd(pid, "GC.class_histogram");
      return out == null ? "jcmd " + pid + " GC.class_histogram failed or timed out"
          : out.lines().limit(lines).collect(Collectors.joining(System.lineSeparator()));
    } catch (IOException e) {
      return "jcmd failed: " + e;
    }
  }

  /** jcmd's standard output of {@code command} on the process, or null when it failed or took over 60 s. */
  static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = jcmd();
    if (!Files.isExecutable(jcmd)) {
      throw new IOException(jcmd + " is not there: the benchmark needs a JDK, not a JRE");
    }
    Path out = Files.createTempFile("bench-jcmd-", ".txt");
    try {
      Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        return null;
      }
      return p.exitValue() == 0 ? Files.readString(out, StandardCharsets.UTF_8) : null;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
