package dev.mirror.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirror.bench.ScaleBench.Contestant;
import dev.mirror.bench.ScaleBench.Options;
import dev.mirror.bench.ScaleBench.Result;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScaleBenchTest {

  @Test
  void defaultsAreTheFullWorkloadAndQuickIsSmaller() {
    Options full = Options.parse(new String[0]);
    assertThat(full.workload()).isEqualTo(new ScaleWorkload(200, 10, 50, 100, 500, 30));
    assertThat(full.rounds).isEqualTo(1);
    assertThat(full.raceTimeout.toSeconds()).isEqualTo(300);
    assertThat(full.contestants).containsExactly(Contestant.MIRROR, Contestant.MM2);
    Options quick = Options.parse(new String[] {"--quick", "--rounds", "2"});
    assertThat(quick.workload().partitions()).isEqualTo(200);
    assertThat(quick.workload().pairs()).isEqualTo(1_500);
    assertThat(quick.rounds).isEqualTo(2);
    Options sized = Options.parse(new String[] {"--quick", "--topics", "5", "--groups", "3", "--pairs-per-group",
        "20", "--race-timeout", "60", "--contestants", "mm2"});
    assertThat(sized.workload()).isEqualTo(new ScaleWorkload(5, 10, 50, 100, 3, 20));
    assertThat(sized.raceTimeout.toSeconds()).isEqualTo(60);
    assertThat(sized.contestants).containsExactly(Contestant.MM2);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> Options.parse(new String[] {"--rounds", "0"})).hasMessageContaining("--rounds");
    assertThatThrownBy(() -> Options.parse(new String[] {"--topics"})).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> Options.parse(new String[] {"--groups", "many"})).hasMessageContaining("whole");
    assertThatThrownBy(() -> Options.parse(new String[] {"--nope"})).hasMessageContaining("unknown");
  }

  @Test
  void bothContestantsGetTheSameFlowSettings() {
    assertThat(ScaleBench.flowSettings(1)).containsExactly(Map.entry("tasks.max", "1"),
        Map.entry("refresh.topics.interval.seconds", "5"), Map.entry("refresh.groups.interval.seconds", "5"),
        Map.entry("emit.checkpoints.interval.seconds", "5"), Map.entry("sync.group.offsets.enabled", "false"));
  }

  @Test
  void reportHasEveryFigureRatiosTargetsAndWhatAnIncompleteRaceReached() {
    Options options = Options.parse(new String[0]);
    ScaleWorkload w = options.workload();
    List<Result> results = List.of(
        new Result(Contestant.MIRROR, 1, true, "", 3.0, 4.0, 5.0, 9.0, 20.0, 0.05, 0.02, 20.0, 400, 0.02, 0.1,
            List.of(new ThreadCpu.Usage("copy", 0.9, 0.03))),
        new Result(Contestant.MM2, 1, false, "topics 200 of 200, records 100,000 of 100,000, checkpoints 9,123 of "
            + "15,000 when stopped; timed out after 300 s", 20.0, 25.0, 60.0, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, 900, Double.NaN, Double.NaN, List.of()));
    String md = ScaleBench.Report.markdown(options, w, results, Map.of("CPU", "2 cores", "Kafka", "4.3.1 (x)"),
        Paths.get("mirror-runner-0.1.0-SNAPSHOT-all.jar"));
    assertThat(md)
        .contains("| figure | Mirror (runner) | MM2 dedicated | Mirror ÷ MM2 | target |")
        .contains("| races completed | 1/1 | 0/1 | ||\n")
        .contains("| every remote topic created (s) | 3.0 | 20.0 | 0.15 | |")
        .contains("| checkpoint lag (s): checkpointed − records | 5.0 | – | – | Mirror ≤ 15 s: **met** |")
        .contains("| CPU while idle (cores) | 0.050 | – | – | Mirror < 0.10: **met** |")
        .contains("| … without the JIT compiler's threads | 0.020 | – | – | |")
        .contains("| heap per source partition (KiB) | 10.2 | – | – | |")
        .contains("checkpoints 9,123 of 15,000 when stopped")
        .contains("`tasks.max=1`")
        .contains("- CPU: 2 cores")
        .contains("- Mirror (runner), round 1: `copy` 0.030\n");
  }
}
