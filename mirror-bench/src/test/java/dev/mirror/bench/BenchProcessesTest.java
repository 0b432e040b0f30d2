package dev.mirror.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchProcessesTest {

  @Test
  void jarsOnly_replacesTheClassesDirectoryWithTheJarWhenItExists(@TempDir Path dir) throws Exception {
    Path classes = Files.createDirectories(dir.resolve("classes"));
    Path jar = dir.resolve("bench.jar");
    String cp = String.join(File.pathSeparator, "/libs/a.jar", classes.toString(), "/libs/b.jar");

    assertThat(BenchProcesses.jarsOnly(cp, classes.toString(), jar.toString()))
        .as("no jar yet").isEqualTo(cp);

    Files.writeString(jar, "");
    assertThat(BenchProcesses.jarsOnly(cp, classes.toString(), jar.toString()))
        .isEqualTo(String.join(File.pathSeparator, "/libs/a.jar", jar.toString(), "/libs/b.jar"));
    assertThat(BenchProcesses.jarsOnly(cp, null, jar.toString())).isEqualTo(cp);
  }
}
