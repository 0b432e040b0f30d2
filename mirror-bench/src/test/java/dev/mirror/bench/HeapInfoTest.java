package dev.mirror.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Outputs of {@code jcmd <pid> GC.heap_info} from OpenJDK 17 after {@code GC.run}, one per collector. */
class HeapInfoTest {

  @Test
  void g1HasOneLineForTheWholeHeap() {
    String out = String.join("\n",
        "28241:",
        " garbage-first heap   total 17408K, used 2885K [0x00000000c0000000, 0x0000000100000000)",
        "  region size 1024K, 0 young (0K), 0 survivors (0K)",
        " Metaspace       used 8943K, committed 9088K, reserved 1114112K",
        "  class space    used 1062K, committed 1152K, reserved 1048576K");
    assertThat(HeapInfo.parseUsedBytes(out)).hasValue(2885L * 1024);
  }

  @Test
  void parallelAndSerialAddTheirGenerations() {
    String parallel = String.join("\n",
        "28386:",
        " PSYoungGen      total 113152K, used 1000K [0x00000000eab00000, 0x00000000f2900000, 0x0000000100000000)",
        "  eden space 97280K, 0% used [0x00000000eab00000,0x00000000eab00000,0x00000000f0a00000)",
        "  from space 15872K, 0% used [0x00000000f0a00000,0x00000000f0a00000,0x00000000f1980000)",
        "  to   space 15872K, 0% used [0x00000000f1980000,0x00000000f1980000,0x00000000f2900000)",
        " ParOldGen       total 258048K, used 2242K [0x00000000c0000000, 0x00000000cfc00000, 0x00000000eab00000)",
        "  object space 258048K, 0% used [0x00000000c0000000,0x00000000c0230998,0x00000000cfc00000)",
        " Metaspace       used 8933K, committed 9088K, reserved 1114112K",
        "  class space    used 1062K, committed 1152K, reserved 1048576K");
    assertThat(HeapInfo.parseUsedBytes(parallel)).hasValue(3242L * 1024);
    String serial = String.join("\n",
        "28521:",
        " def new generation   total 116224K, used 10K [0x00000000c0000000, 0x00000000c7e10000, 0x00000000d5550000)",
        "  eden space 103360K,   0% used [0x00000000c0000000, 0x00000000c0000000, 0x00000000c64f0000)",
        " tenured generation   total 258048K, used 2242K [0x00000000d5550000, 0x00000000e5150000, 0x0000000100000000)",
        "   the space 258048K,   0% used [0x00000000d5550000, 0x00000000d57809a0, 0x00000000d5780a00, "
            + "0x00000000e5150000)",
        " Metaspace       used 8909K, committed 9088K, reserved 1114112K");
    assertThat(HeapInfo.parseUsedBytes(serial)).hasValue(2252L * 1024);
  }

  @Test
  void zgcAndShenandoahHaveTheirOwnLines() {
    String zgc = String.join("\n",
        "28751:",
        " ZHeap           used 36M, capacity 378M, max capacity 1024M",
        " Metaspace       used 8932K, committed 9088K, reserved 1114112K");
    assertThat(HeapInfo.parseUsedBytes(zgc)).hasValue(36L << 20);
    String shenandoah = String.join("\n",
        "29139:",
        "Shenandoah Heap",
        " 1024M max, 1024M soft max, 6656K committed, 2048K used",
        " 2048 x 512K regions",
        " Metaspace       used 8915K, committed 9088K, reserved 1114112K");
    assertThat(HeapInfo.parseUsedBytes(shenandoah)).hasValue(2048L * 1024);
  }

  @Test
  void noHeapLineIsNoFigure() {
    assertThat(HeapInfo.parseUsedBytes("12345:\nCommand executed successfully\n")).isEmpty();
    assertThat(HeapInfo.parseUsedBytes(" Metaspace       used 8915K, committed 9088K, reserved 1114112K")).isEmpty();
    assertThat(HeapInfo.parseUsedBytes("")).isEmpty();
  }
}
