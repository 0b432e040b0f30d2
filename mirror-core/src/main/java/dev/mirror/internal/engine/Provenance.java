package dev.mirror.internal.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Cycle prevention where topic names cannot tell local records from replicated ones (the identity policy):
 * every copied record carries the header {@value #HEADER}, the comma-separated aliases of the clusters it was
 * copied from, in order. A record whose path already names the target is not copied again, so two clusters
 * replicating each other's topics under the same names never ping-pong. Records without the header are local
 * to the source.
 */
final class Provenance {
  /** The header listing the clusters a record was copied from. */
  static final String HEADER = "mirror.path";

  private final String source;
  private final String target;

  Provenance(String source, String target) {
    this.source = source;
    this.target = target;
  }

  /** Returns the records that have not been on the target yet, in order. */
  List<ConsumerRecord<byte[], byte[]>> admit(List<ConsumerRecord<byte[], byte[]>> records) {
    List<ConsumerRecord<byte[], byte[]>> admitted = null;
    for (int i = 0; i < records.size(); i++) {
      ConsumerRecord<byte[], byte[]> r = records.get(i);
      boolean cycle = visited(r.headers(), target);
      if (cycle && admitted == null) {
        admitted = new ArrayList<>(records.subList(0, i));
      }
      if (!cycle && admitted != null) {
        admitted.add(r);
      }
    }
    return admitted == null ? records : admitted;
  }

  /** Returns the headers of the copy: the original ones with the source appended to the path. */
  Headers stamp(Headers original) {
    Header path = original.lastHeader(HEADER);
    String value = path == null || path.value() == null ? source
        : new String(path.value(), StandardCharsets.UTF_8) + "," + source;
    RecordHeaders copy = new RecordHeaders();
    for (Header h : original) {
      if (!h.key().equals(HEADER)) {
        copy.add(h);
      }
    }
    copy.add(HEADER, value.getBytes(StandardCharsets.UTF_8));
    return copy;
  }

  static boolean visited(Headers headers, String alias) {
    Header path = headers.lastHeader(HEADER);
    if (path == null || path.value() == null) {
      return false;
    }
    for (String hop : new String(path.value(), StandardCharsets.UTF_8).split(",", -1)) {
      if (hop.equals(alias)) {
        return true;
      }
    }
    return false;
  }
}
