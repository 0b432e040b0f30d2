package dev.mirror.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Measures end-to-end replication latency while a replicator runs: a producer writes records of a fixed size to
 * the source topic at a fixed rate, each stamped with its send time as record timestamp (the replicators keep
 * timestamps), and a consumer on the target topic takes, for each record, the wall-clock time it was received
 * minus that timestamp. After the first record arrives and a warm-up, only records sent during the measured
 * window count; the result has the latency percentiles and how many of the window's records never arrived.
 */
final class LatencyProbe {

  /**
   * Percentiles of one race, in milliseconds; NaN when nothing was measured. {@code late} counts the records that
   * took 100 ms or more, and {@code slowestSentAt} is when the slowest one was sent (epoch millis, 0 if none), to
   * find the moment of a stall in the replicator's log or profile.
   */
  record Result(double p50, double p99, double max, long measured, long missing, long duplicates, long late,
      long slowestSentAt, Leg sourceLeg, String note) {

    static Result failed(long missing, long duplicates, String note) {
      return new Result(Double.NaN, Double.NaN, Double.NaN, 0, missing, duplicates, 0, 0, Leg.NONE, note);
    }
  }

  /**
   * The source leg alone: from send to readable on the source, for the same records, read by a consumer of the
   * source topic in the benchmark's JVM. What the replicator cannot be blamed for: when the source leg is slow,
   * the end-to-end figure is too.
   */
  record Leg(double p99, double max, long late) {
    static final Leg NONE = new Leg(Double.NaN, Double.NaN, 0);
  }

  /** Records that took at least this long count as late in {@link Result#late}. */
  static final long LATE_MILLIS = 100;

  private LatencyProbe() {}

  /**
   * Runs the probe. The target topic must exist; its partitions are read from the beginning.
   *
   * @param sourceServers the source cluster
   * @param targetServers the target cluster
   * @param sourceTopic where records are produced, round robin over {@code partitions}
   * @param targetTopic where the replicator copies them
   * @param partitions the partition count of both topics
   * @param rate records per second
   * @param size value size in bytes
   * @param firstRecordTimeout how long to wait for the first replicated record
   * @param warmUp how long after the first replicated record the measured window opens
   * @param window how long the measured window stays open
   * @param drain how long after the window closes its last records may still arrive
   * @return the percentiles
   */
  static Result run(String sourceServers, String targetServers, String sourceTopic, String targetTopic,
      int partitions, int rate, int size, Duration firstRecordTimeout, Duration warmUp, Duration window,
      Duration drain) throws InterruptedException {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sourceServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-latency-producer");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, targetServers);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-latency-consumer");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    // As consumers of an exactly-once target must: a record counts when its transaction committed.
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");

    // Window bounds in epoch millis; Long.MAX_VALUE until the first record arrived.
    AtomicLong windowStart = new AtomicLong(Long.MAX_VALUE);
    AtomicLong windowEnd = new AtomicLong(Long.MAX_VALUE);
    AtomicLong sentInWindow = new AtomicLong();
    AtomicReference<Exception> producerFailure = new AtomicReference<>();
    long producerDeadline = System.nanoTime() + firstRecordTimeout.plus(warmUp).plus(window).toNanos();
    Thread producerThread = new Thread(() -> produce(p, sourceTopic, partitions, rate, size, windowStart,
        windowEnd, sentInWindow, producerFailure, producerDeadline), "bench-latency-producer");
    producerThread.setDaemon(true);
    Map<String, Object> sc = new HashMap<>(c);
    sc.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sourceServers);
    sc.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-latency-source-consumer");
    LegWatcher sourceWatcher = new LegWatcher(sc, sourceTopic, partitions, windowStart, windowEnd,
        Math.max(1024, (int) Math.min(50_000_000L, (long) rate * window.toSeconds() * 2)));

    long[] latencies = new long[Math.max(1024, (int) Math.min(50_000_000L, (long) rate * window.toSeconds() * 2))];
    int measured = 0;
    long duplicates = 0;
    long late = 0;
    long slowest = -1;
    long slowestSentAt = 0;
    java.util.BitSet seen = new java.util.BitSet();
    String note = "";
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = java.util.stream.IntStream.range(0, partitions)
          .mapToObj(i -> new TopicPartition(targetTopic, i)).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      sourceWatcher.start();
      producerThread.start();
      long firstDeadline = System.nanoTime() + firstRecordTimeout.toNanos();
      boolean first = false;
      long stopAt = Long.MAX_VALUE; // nanoTime when the drain ends
      while (true) {
        long nowNanos = System.nanoTime();
        if (!first && nowNanos > firstDeadline) {
          note = "no record arrived within " + firstRecordTimeout.toSeconds() + " s";
          break;
        }
        if (nowNanos > stopAt) {
          break;
        }
        if (producerFailure.get() != null) {
          note = "the probe's producer failed: " + producerFailure.get();
          break;
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
          long now = System.currentTimeMillis();
          if (!first) {
            first = true;
            long start = now + warmUp.toMillis();
            windowEnd.set(start + window.toMillis());
            windowStart.set(start);
            stopAt = System.nanoTime() + warmUp.plus(window).plus(drain).toNanos();
          }
          long ts = r.timestamp();
          if (ts >= windowStart.get() && ts < windowEnd.get() && measured < latencies.length) {
            long seq = r.value() != null && r.value().length >= Long.BYTES
                ? java.nio.ByteBuffer.wrap(r.value()).getLong() : -1;
            if (seq >= 0 && seq <= Integer.MAX_VALUE && seen.get((int) seq)) {
              duplicates++; // at-least-once: a copy of a record already measured
              continue;
            }
            if (seq >= 0 && seq <= Integer.MAX_VALUE) {
              seen.set((int) seq);
            }
            long latency = now - ts;
            latencies[measured++] = latency;
            if (latency >= LATE_MILLIS) {
              late++;
            }
            if (latency > slowest) {
              slowest = latency;
              slowestSentAt = ts;
            }
          }
        }
        if (first && System.currentTimeMillis() >= windowEnd.get() && !producerThread.isAlive()
            && measured >= sentInWindow.get()) {
          break;
        }
      }
    } finally {
      windowEnd.compareAndSet(Long.MAX_VALUE, 0); // stops the producer if no record came
      producerThread.join(TimeUnit.SECONDS.toMillis(10));
    }
    Leg sourceLeg = sourceWatcher.stop();
    long missing = Math.max(0, sentInWindow.get() - measured);
    if (measured == 0) {
      return Result.failed(missing, duplicates, note.isEmpty() ? "nothing measured" : note);
    }
    long[] sorted = Arrays.copyOf(latencies, measured);
    Arrays.sort(sorted);
    String problems = (missing > 0 ? missing + " records of the window did not arrive in time" : "")
        + (duplicates > 0 ? (missing > 0 ? "; " : "") + duplicates + " duplicates (left out)" : "");
    return new Result(Stats.percentile(sorted, 0.50), Stats.percentile(sorted, 0.99), sorted[measured - 1],
        measured, missing, duplicates, late, slowestSentAt, sourceLeg, problems.isEmpty() ? note : problems);
  }

  /** Reads the source topic on a thread of its own and takes each window record's source-leg latency. */
  private static final class LegWatcher {
    private final Map<String, Object> config;
    private final String topic;
    private final int partitions;
    private final AtomicLong windowStart;
    private final AtomicLong windowEnd;
    private final long[] latencies;
    private final Thread thread;
    private volatile boolean stop;
    private int measured;
    private long late;

    LegWatcher(Map<String, Object> config, String topic, int partitions, AtomicLong windowStart,
        AtomicLong windowEnd, int capacity) {
      this.config = config;
      this.topic = topic;
      this.partitions = partitions;
      this.windowStart = windowStart;
      this.windowEnd = windowEnd;
      this.latencies = new long[capacity];
      this.thread = new Thread(this::run, "bench-latency-source-consumer");
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    private void run() {
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> tps = java.util.stream.IntStream.range(0, partitions)
            .mapToObj(i -> new TopicPartition(topic, i)).toList();
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        while (!stop) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
            long now = System.currentTimeMillis();
            long ts = r.timestamp();
            if (ts >= windowStart.get() && ts < windowEnd.get() && measured < latencies.length) {
              latencies[measured++] = now - ts;
              if (now - ts >= LATE_MILLIS) {
                late++;
              }
            }
          }
        }
      } catch (RuntimeException e) {
        // the figure stays partial; the end-to-end figure does not depend on it
      }
    }

    /** Stops reading (waiting at most 10 s) and returns the source leg's figures. */
    Leg stop() throws InterruptedException {
      stop = true;
      thread.join(TimeUnit.SECONDS.toMillis(10));
      if (thread.isAlive() || measured == 0) {
        return Leg.NONE;
      }
      long[] sorted = Arrays.copyOf(latencies, measured);
      Arrays.sort(sorted);
      return new Leg(Stats.percentile(sorted, 0.99), sorted[measured - 1], late);
    }
  }

  /** Sends at {@code rate} records/s until the window closed (or the deadline, when no record ever arrived). */
  private static void produce(Map<String, Object> config, String topic, int partitions, int rate, int size,
      AtomicLong windowStart, AtomicLong windowEnd, AtomicLong sentInWindow, AtomicReference<Exception> failure,
      long deadlineNanos) {
    byte[] payload = new byte[Math.max(size, Long.BYTES)];
    new Random(7).nextBytes(payload);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      long start = System.nanoTime();
      long sent = 0;
      while (failure.get() == null) {
        long nowNanos = System.nanoTime();
        long now = System.currentTimeMillis();
        if (now >= windowEnd.get() || nowNanos > deadlineNanos) {
          break;
        }
        long due = (nowNanos - start) * rate / 1_000_000_000L;
        while (sent < due) {
          long ts = System.currentTimeMillis();
          if (ts >= windowEnd.get()) {
            break;
          }
          if (ts >= windowStart.get()) {
            sentInWindow.incrementAndGet();
          }
          byte[] value = payload.clone(); // the first 8 bytes are the record's sequence number
          java.nio.ByteBuffer.wrap(value).putLong(sent);
          producer.send(new ProducerRecord<>(topic, (int) (sent % partitions), ts, null, value), (m, e) -> {
                if (e != null) {
                  failure.compareAndSet(null, e);
                }
              });
          sent++;
        }
        Thread.sleep(1);
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
    }
  }
}
