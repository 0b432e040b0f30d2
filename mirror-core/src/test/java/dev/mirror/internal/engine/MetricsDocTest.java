package dev.mirror.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every metric is defined once, in MirrorMetrics.Def, and the README's table lists each of them. */
class MetricsDocTest {

  @Test
  void readmeTable_listsEveryMetric() throws IOException {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme);
    for (MirrorMetrics.Def def : MirrorMetrics.Def.values()) {
      assertThat(text).as("README row for %s", def)
          .contains("| `" + def.group() + "` | `" + def.metricName() + "` | " + def.description() + " |");
    }
  }
}
