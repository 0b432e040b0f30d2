package dev.mirror.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A Java program started in its own JVM with this JVM's class path, for tests where a process must be
 * stopped (SIGTERM) or killed (SIGKILL). Standard output and error go to files, read with {@link #stdout()}
 * and {@link #stderr()}. {@link #close()} kills the process if it is still alive. The child's standard input
 * stays open while this JVM holds the child, so the child's {@code main} can block in {@link #awaitParent}
 * and end by itself when the test JVM is gone.
 *
 * <pre>{@code
 * try (ChildJvm child = ChildJvm.start(dir, "instance-1", Map.of(), MyMain.class, "arg")) {
 *   child.kill(); // SIGKILL
 * }
 * }</pre>
 */
public final class ChildJvm implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private ChildJvm(String name, Process process, Path stdout, Path stderr) {
    this.name = name;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Starts {@code main} in a new JVM (256 MiB heap, serial GC) with this JVM's class path.
   *
   * @param dir where the output files {@code <name>.out} and {@code <name>.err} go
   * @param name names the output files and appears in messages
   * @param environment variables added to this process's environment
   * @param main the class whose {@code main} runs
   * @param args its arguments
   * @return the running child
   * @throws IOException when the JVM cannot be started
   */
  public static ChildJvm start(Path dir, String name, Map<String, String> environment, Class<?> main,
      String... args) throws IOException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().putAll(environment);
    return new ChildJvm(name, builder.start(), out, err);
  }

  /**
   * Called in a child's {@code main}: blocks until the parent closes the child's standard input (the parent
   * JVM exited or died) or {@code atMost} passed, whichever comes first.
   *
   * @param atMost bound on the wait when the parent neither kills the child nor goes away
   * @throws InterruptedException when interrupted while waiting
   */
  public static void awaitParent(Duration atMost) throws InterruptedException {
    CountDownLatch parentGone = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try {
        System.in.read(); // the parent writes nothing: this returns at end of input
      } catch (IOException e) {
        // the pipe broke: the parent is gone as well
      }
      parentGone.countDown();
    }, "await-parent");
    reader.setDaemon(true);
    reader.start();
    parentGone.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Returns the process. */
  public Process process() {
    return process;
  }

  /** Returns what the child wrote to standard output so far. */
  public String stdout() {
    return read(stdout);
  }

  /** Returns what the child wrote to standard error so far. */
  public String stderr() {
    return read(stderr);
  }

  /** Sends SIGTERM (on Unix) and waits up to {@code seconds} for the exit; returns whether it exited. */
  public boolean stop(long seconds) throws InterruptedException {
    process.destroy();
    return process.waitFor(seconds, TimeUnit.SECONDS);
  }

  /** Sends SIGKILL (on Unix) and waits for the exit, at most 10 s. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /**
   * Freezes the child with SIGSTOP (Unix only), as a long garbage-collection pause or a hung host would: it keeps
   * its connections but answers nothing until {@link #unfreeze}.
   */
  public void freeze() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** Lets a {@linkplain #freeze frozen} child run again (SIGCONT). */
  public void unfreeze() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** Returns a description with the child's name, state and output, for assertion messages. */
  public String describe() {
    return name + (process.isAlive() ? " (running)" : " (exit " + process.exitValue() + ")") + "; stdout:\n"
        + stdout() + "\nstderr:\n" + stderr();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }
}
