package dev.mirror.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ScaleWorkloadTest {

  private final ScaleWorkload full = new ScaleWorkload(200, 10, 50, 100, 500, 30);

  @Test
  void fullSizeCounts() {
    assertThat(full.partitions()).isEqualTo(2_000);
    assertThat(full.pairs()).isEqualTo(15_000);
    assertThat(full.records()).isEqualTo(100_000);
    assertThat(full.topic(0)).isEqualTo("scale-t-000");
    assertThat(full.topic(199)).isEqualTo("scale-t-199");
    assertThat(full.group(7)).isEqualTo("scale-g-007");
    assertThat(full.topicNames()).hasSize(200).doesNotHaveDuplicates();
    assertThat(full.partition(1_999)).isEqualTo(new TopicPartition("scale-t-199", 9));
  }

  @Test
  void everyGroupCommitsDistinctPartitionsOfThreeWholeTopicsInsideTheData() {
    Set<String> pairs = new HashSet<>();
    Map<TopicPartition, Integer> groupsPerPartition = new HashMap<>();
    for (int g = 0; g < full.groups(); g++) {
      Map<TopicPartition, Long> commits = full.commits(g);
      assertThat(commits).hasSize(30);
      assertThat(commits.keySet().stream().map(TopicPartition::topic).distinct()).hasSize(3);
      for (Map.Entry<TopicPartition, Long> e : commits.entrySet()) {
        assertThat(e.getValue()).isBetween(1L, 49L);
        assertThat(pairs.add(full.group(g) + "/" + e.getKey())).isTrue();
        groupsPerPartition.merge(e.getKey(), 1, Integer::sum);
      }
    }
    assertThat(pairs).hasSize(15_000);
    // 15,000 pairs over 2,000 partitions: every partition in 7 or 8 groups.
    assertThat(groupsPerPartition).hasSize(2_000);
    assertThat(groupsPerPartition.values()).allMatch(n -> n == 7 || n == 8);
  }

  @Test
  void pairsWrapAroundSmallWorkloads() {
    ScaleWorkload small = new ScaleWorkload(2, 3, 2, 10, 4, 5);
    for (int g = 0; g < 4; g++) {
      assertThat(small.commits(g)).hasSize(5).allSatisfy((tp, offset) -> assertThat(offset).isEqualTo(1L));
    }
    assertThat(small.topic(1)).isEqualTo("scale-t-1");
  }

  @Test
  void valuesNameTheirSourceOffset() {
    Random random = new Random(1);
    byte[] v = full.value(new TopicPartition("scale-t-003", 4), 35, random);
    assertThat(v).hasSize(100);
    assertThat(new String(v, 0, 17, StandardCharsets.US_ASCII)).isEqualTo("scale-t-003/4@35;");
    assertThat(ScaleWorkload.sourceOffset(v)).isEqualTo(35);
    assertThat(ScaleWorkload.sourceOffset(new byte[] {1, 2, 3})).isEqualTo(-1);
    assertThat(ScaleWorkload.sourceOffset(null)).isEqualTo(-1);
    // Too small to hold the tag: cut, and names nothing.
    ScaleWorkload tiny = new ScaleWorkload(1, 1, 2, 5, 0, 0);
    assertThat(ScaleWorkload.sourceOffset(tiny.value(new TopicPartition("scale-t-0", 0), 1, random))).isEqualTo(-1);
  }

  @Test
  void offsetsAsRanges() {
    assertThat(ScaleWorkload.ranges(List.of(36L, 37L, 38L, 49L))).isEqualTo("36–38, 49");
    assertThat(ScaleWorkload.ranges(List.of(0L, 2L, 3L))).isEqualTo("0, 2–3");
    assertThat(ScaleWorkload.ranges(List.of())).isEmpty();
  }

  @Test
  void rejectsImpossibleSizes() {
    assertThatThrownBy(() -> new ScaleWorkload(1, 10, 50, 100, 5, 11)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pairs per group");
    assertThatThrownBy(() -> new ScaleWorkload(1, 10, 1, 100, 5, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inside the data");
    assertThatThrownBy(() -> new ScaleWorkload(0, 10, 50, 100, 5, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
