package dev.mirror.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Reads a process's CPU time and peak resident set size from Linux's {@code /proc}, from outside the process.
 * CPU time is user plus system time ({@code utime + stime} in {@code /proc/<pid>/stat}); peak RSS is
 * {@code VmHWM} of {@code /proc/<pid>/status}.
 */
final class ProcStats {
  /** Clock ticks per second of {@code /proc/<pid>/stat}'s times ({@code getconf CLK_TCK}); 100 on Linux/x86. */
  static final long CLOCK_TICKS = clockTicks();

  private ProcStats() {}

  /** True when {@code /proc} can be read here (Linux). */
  static boolean available() {
    return Files.isReadable(Paths.get("/proc/self/stat"));
  }

  /**
   * CPU seconds (user + system) used so far by the process itself (not its children: the benchmark starts every
   * contestant as a {@code java} process of its own), or NaN when unreadable (the process has ended).
   */
  static double cpuSeconds(ProcessHandle process) {
    long ticks = ticks(process.pid());
    return ticks < 0 ? Double.NaN : ticks / (double) CLOCK_TICKS;
  }

  /**
   * CPU seconds all processes of the machine spent busy so far (user, nice, system, irq, softirq and steal of
   * {@code /proc/stat}'s first line), or NaN when unreadable.
   */
  static double machineBusySeconds() {
    try {
      String first = Files.readAllLines(Paths.get("/proc/stat")).get(0);
      String[] f = first.trim().split("\\s+");
      // cpu user nice system idle iowait irq softirq steal ...
      long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
          + Long.parseLong(f[7]) + (f.length > 8 ? Long.parseLong(f[8]) : 0);
      return busy / (double) CLOCK_TICKS;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** Peak resident set size in MiB ({@code VmHWM}), or NaN when unreadable. */
  static double peakRssMib(ProcessHandle process) {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("VmHWM:")) {
          String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) / 1024.0; // kB
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  /** utime + stime in clock ticks, -1 when unreadable. */
  private static long ticks(long pid) {
    return ticks(Paths.get("/proc", Long.toString(pid), "stat"));
  }

  /** utime + stime in clock ticks of a {@code stat} file of a process or thread, -1 when unreadable. */
  static long ticks(Path stat) {
    try {
      String s = Files.readString(stat);
      // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
      String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split("\\s+");
      // f[0] is field 3 (state); utime is field 14, stime field 15.
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      if (p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty()) {
        return Long.parseLong(out);
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }
}
