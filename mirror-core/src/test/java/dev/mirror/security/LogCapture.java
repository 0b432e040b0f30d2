package dev.mirror.security;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures everything written to {@code System.err} and {@code System.out} while it is open, still passing it
 * through, so a test can search what was logged. slf4j-simple (the test binding) looks {@code System.err} up
 * on every call, so swapping the stream catches every logger of every thread, the brokers' included.
 *
 * <p>To catch more than the configured levels show, {@link #start} lowers the level of a few loggers while the
 * capture is open (the engine's to DEBUG, which adds the stack traces of failures; the Kafka clients' config
 * dumps to INFO) and restores them on {@link #close()}. slf4j-simple has no API for that, so it is done by
 * reflection; if that fails the capture still works at the configured levels, and {@link #levelsRaised()} says so.
 *
 * <p>Not thread-safe to open twice at once: the test classes of this package run one capture at a time.
 */
final class LogCapture implements AutoCloseable {
  /** Loggers lowered to DEBUG: the engine, where failures are logged with their causes. */
  static final List<String> DEBUG_LOGGERS = List.of(
      "dev.mirror.internal.engine.FlowRunner",
      "dev.mirror.internal.engine.MirrorEngine");
  /** Loggers lowered to INFO: Kafka's client config dumps (they list every setting) and connection errors. */
  static final List<String> INFO_LOGGERS = List.of(
      "org.apache.kafka.clients.consumer.ConsumerConfig",
      "org.apache.kafka.clients.producer.ProducerConfig",
      "org.apache.kafka.clients.admin.AdminClientConfig",
      "org.apache.kafka.common.config.AbstractConfig",
      "org.apache.kafka.clients.NetworkClient");
  private static final int DEBUG = 10;
  private static final int INFO = 20;

  private final PrintStream originalErr;
  private final PrintStream originalOut;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final Map<Logger, Integer> previousLevels = new LinkedHashMap<>();
  private final boolean levelsRaised;
  private boolean closed;

  private LogCapture() {
    originalErr = System.err;
    originalOut = System.out;
    levelsRaised = lower(DEBUG_LOGGERS, DEBUG) & lower(INFO_LOGGERS, INFO);
    System.setErr(new PrintStream(new Tee(originalErr), true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(new Tee(originalOut), true, StandardCharsets.UTF_8));
  }

  /** Starts capturing. */
  static LogCapture start() {
    return new LogCapture();
  }

  /** Returns what was written so far. */
  String text() {
    synchronized (buffer) {
      return buffer.toString(StandardCharsets.UTF_8);
    }
  }

  /** Returns whether the loggers of {@link #DEBUG_LOGGERS} and {@link #INFO_LOGGERS} were lowered. */
  boolean levelsRaised() {
    return levelsRaised;
  }

  /** Restores the streams and the log levels. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    System.err.flush();
    System.out.flush();
    System.setErr(originalErr);
    System.setOut(originalOut);
    previousLevels.forEach((logger, level) -> setLevel(logger, level));
  }

  private boolean lower(List<String> names, int level) {
    boolean all = true;
    for (String name : names) {
      Logger logger = LoggerFactory.getLogger(name);
      Integer previous = level(logger);
      if (previous == null) {
        all = false;
      } else if (previous > level && setLevel(logger, level)) {
        previousLevels.put(logger, previous);
      }
    }
    return all;
  }

  private static Integer level(Logger logger) {
    try {
      return (Integer) levelField(logger).get(logger);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static boolean setLevel(Logger logger, int level) {
    try {
      levelField(logger).setInt(logger, level);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  private static Field levelField(Logger logger) throws NoSuchFieldException {
    Field f = logger.getClass().getDeclaredField("currentLogLevel");
    f.setAccessible(true);
    return f;
  }

  /** Writes to the original stream and to the buffer. */
  private final class Tee extends OutputStream {
    private final OutputStream original;

    Tee(OutputStream original) {
      this.original = original;
    }

    @Override
    public void write(int b) {
      synchronized (buffer) {
        buffer.write(b);
      }
      try {
        original.write(b);
      } catch (java.io.IOException e) {
        // the original stream is only a courtesy; the buffer is what the test reads
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      synchronized (buffer) {
        buffer.write(b, off, len);
      }
      try {
        original.write(b, off, len);
      } catch (java.io.IOException e) {
        // as above
      }
    }

    @Override
    public void flush() {
      try {
        original.flush();
      } catch (java.io.IOException e) {
        // as above
      }
    }
  }
}
