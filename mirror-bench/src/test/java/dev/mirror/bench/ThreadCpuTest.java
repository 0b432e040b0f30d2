package dev.mirror.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

  @Test
  void namesThreadsByTheirLinuxIdFromThreadPrint() {
    String print = String.join("\n",
        "13431:",
        "2026-12-04 14:52:05",
        "Full thread dump OpenJDK 64-Bit Server VM (17.0.15+6-Debian-1deb12u1 mixed mode, sharing):",
        "",
        "\"mirror-mm2-src->tgt-copy\" #25 daemon prio=5 os_prio=0 cpu=1234.56ms elapsed=60.00s "
            + "tid=0x00007f5f90012000 nid=0x3492 runnable  [0x00007f5f7c1fe000]",
        "   java.lang.Thread.State: RUNNABLE",
        "\"kafka-producer-network-thread | mirror-mm2-src->tgt-producer\" #30 daemon prio=5 os_prio=0 cpu=10.00ms "
            + "elapsed=59.00s tid=0x00007f5f90013000 nid=0x34a0 runnable  [0x00007f5f7c0fd000]",
        "\"GC Thread#0\" os_prio=0 cpu=52.21ms elapsed=61.00s tid=0x00007f5f9004e000 nid=0x3471 runnable  ");
    Map<Long, String> names = ThreadCpu.names(print);
    assertThat(names).containsEntry(0x3492L, "mirror-mm2-src->tgt-copy")
        .containsEntry(0x34a0L, "kafka-producer-network-thread | mirror-mm2-src->tgt-producer")
        .containsEntry(0x3471L, "GC Thread#0")
        .hasSize(3);
  }

  @Test
  void busiestThreadsOverTheWindowFirst() {
    Map<Long, Long> before = Map.of(1L, 100L, 2L, 50L, 3L, 7L);
    Map<Long, Long> after = Map.of(1L, 130L, 2L, 50L, 3L, 17L, 4L, 60L); // 4 started during the window
    List<ThreadCpu.Usage> top = ThreadCpu.busiest(before, after, Map.of(1L, "copy", 3L, "control"), 30.0, 100, 2);
    assertThat(top).extracting(ThreadCpu.Usage::name).containsExactly("tid 4", "copy");
    assertThat(top.get(0).seconds()).isEqualTo(0.6);
    assertThat(top.get(1).cores()).isEqualTo(0.01);
    assertThat(ThreadCpu.busiest(before, before, Map.of(), 30.0, 100, 5)).isEmpty();
  }

  @Test
  void readsThisProcessesThreads() {
    Map<Long, Long> ticks = ThreadCpu.ticks(ProcessHandle.current().pid());
    assertThat(ticks).isNotEmpty().containsKey(ProcessHandle.current().pid()); // the main thread's id is the pid
  }
}
