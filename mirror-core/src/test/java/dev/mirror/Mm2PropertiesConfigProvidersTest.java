package dev.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Top-level {@code config.providers} in {@code mm2.properties}: {@code ${provider:path:key}} references anywhere
 * in the file are resolved with them, as MirrorMaker 2 does. Mirror's own settings get the resolved values;
 * Kafka client settings keep the reference and the clients get the providers, so a secret is resolved only
 * inside the Kafka client and never shows in Mirror's settings, messages or {@code toString()}.
 */
class Mm2PropertiesConfigProvidersTest {
  private static final String FILE = FileConfigProvider.class.getName();
  private static final String ENV = EnvVarConfigProvider.class.getName();
  private static final String SECRET = "Canary-" + UUID.randomUUID();
  private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
      + "username=\"mirror\" password=\"" + SECRET + "\";";

  @TempDir
  Path dir;
  private Path secrets;

  @BeforeEach
  void writeSecrets() throws IOException {
    Properties p = new Properties();
    p.setProperty("a.bootstrap", "127.0.0.1:9001");
    p.setProperty("b.bootstrap", "127.0.0.1:9002");
    p.setProperty("jaas", JAAS);
    p.setProperty("topics", "orders.*, payments");
    p.setProperty("tasks", "3");
    p.setProperty("enabled", "true");
    p.setProperty("tasks.bad", "many");
    secrets = dir.resolve("mm2-secrets.properties");
    try (OutputStream out = Files.newOutputStream(secrets)) {
      p.store(out, "test secrets");
    }
  }

  private String ref(String key) {
    return "${file:" + secrets + ":" + key + "}";
  }

  /** Clusters A and B with one flow A->B, the file provider declared at the top level, plus the given keys. */
  private static Mm2Properties parse(String... keysAndValues) {
    Map<String, String> map = new HashMap<>(Map.of(
        "clusters", "A, B",
        "config.providers", "file",
        "config.providers.file.class", FILE,
        "A.bootstrap.servers", "127.0.0.1:9001",
        "B.bootstrap.servers", "127.0.0.1:9002",
        "A->B.enabled", "true"));
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return Mm2Properties.parse(map);
  }

  private static void withMirror(Mm2Properties props, Consumer<Mirror> check) {
    assertThat(props.problems()).isEmpty();
    Mirror mirror = props.toBuilder().build(); // build() parses every client's settings: the clients resolve
    try {
      check.accept(mirror);
    } finally {
      mirror.close(Duration.ofSeconds(1));
    }
  }

  @Test
  void fileProvider_resolvesMirrorSettingsAndLeavesClientReferencesToTheClients() {
    Mm2Properties props = parse(
        "A.bootstrap.servers", ref("a.bootstrap"),
        "bootstrap.servers", ref("b.bootstrap"),
        "B.bootstrap.servers", ref("b.bootstrap"),
        "A.security.protocol", "SASL_PLAINTEXT",
        "A.sasl.mechanism", "PLAIN",
        "A.sasl.jaas.config", ref("jaas"),
        "A->B.enabled", ref("enabled"),
        "A->B.topics", ref("topics"),
        "tasks.max", ref("tasks"));

    assertThat(props.warnings()).isEmpty();
    withMirror(props, mirror -> {
      FlowSpec flow = mirror.flows().get(0);
      assertThat(flow.topics()).extracting(Pattern::pattern).containsExactly("orders.*", "payments");
      assertThat(flow.tasks()).isEqualTo(3);
      ClusterSpec a = mirror.clusters().get("A");
      assertThat(a.properties())
          .containsEntry("bootstrap.servers", ref("a.bootstrap"))
          .containsEntry("sasl.jaas.config", ref("jaas"))
          .containsEntry("config.providers", "file")
          .containsEntry("config.providers.file.class", FILE);
      assertThat(mirror.clusters().get("B").properties())
          .containsEntry("bootstrap.servers", ref("b.bootstrap"))
          .containsEntry("config.providers", "file");
      assertThat(String.join("\n", mirror.toString(), a.toString(), props.toString(),
          String.join("\n", props.warnings()))).doesNotContain(SECRET);
    });
  }

  @Test
  void envProvider_resolvesAVariableOfThisProcess() {
    String variable = System.getenv().entrySet().stream()
        .filter(e -> e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*") && e.getValue().matches("[a-zA-Z0-9._-]{1,100}"))
        .map(Map.Entry::getKey).findFirst().orElse(null);
    assumeThat(variable).as("an environment variable whose value is a legal Mirror name").isNotNull();
    Mm2Properties props = parse(
        "config.providers", "file, env",
        "config.providers.env.class", ENV,
        "name", "${env:" + variable + "}");

    withMirror(props, mirror -> assertThat(mirror.name()).isEqualTo(System.getenv(variable)));
  }

  @Test
  void envProvider_missingVariable_isProblemNamingKeyAndVariable() {
    String missing = "MIRROR_TEST_UNSET_" + UUID.randomUUID().toString().replace('-', '_');
    Mm2Properties props = parse(
        "config.providers", "env",
        "config.providers.env.class", ENV,
        "B.bootstrap.servers", "${env:" + missing + "}");

    assertThat(props.problems()).containsExactly("B.bootstrap.servers: config provider 'env' has no value for '"
        + missing + "' (reference '${env:" + missing + "}')");
  }

  @Test
  void fileProvider_missingFileOrKey_isProblemNamingKeyAndReference() {
    Path absent = dir.resolve("absent.properties");
    Mm2Properties props = parse(
        "A->B.topics", "${file:" + absent + ":topics}",
        "A.sasl.jaas.config", ref("no.such.key"));

    assertThat(props.problems()).containsExactly(
        "A.sasl.jaas.config: config provider 'file' has no value for 'no.such.key' in '" + secrets
            + "' (reference '" + ref("no.such.key") + "')",
        "A->B.topics: config provider 'file' cannot resolve '${file:" + absent + ":topics}': Could not read "
            + "properties from file " + absent);
  }

  @Test
  void undeclaredProvider_isProblemNamingKeyAndProvider() {
    Mm2Properties props = parse("A->B.replication.factor", "${vault:secret/mirror:rf}");

    assertThat(props.problems()).containsExactly("A->B.replication.factor: '${vault:secret/mirror:rf}' names config "
        + "provider 'vault', which is not declared; declare it at the top level with 'config.providers = vault' and "
        + "'config.providers.vault.class = <ConfigProvider class>' (declared: [file])");
    assertThat(Mm2Properties.parse(Map.of(
        "clusters", "A, B",
        "A.bootstrap.servers", "${file:/etc/mirror/a.properties:bootstrap}",
        "B.bootstrap.servers", "127.0.0.1:9002",
        "A->B.enabled", "true")).problems()).containsExactly("A.bootstrap.servers: "
        + "'${file:/etc/mirror/a.properties:bootstrap}' names config provider 'file', which is not declared; declare "
        + "it at the top level with 'config.providers = file' and 'config.providers.file.class = <ConfigProvider "
        + "class>'");
  }

  @Test
  void badValueFromProvider_isProblemNamingKeyLikeAnyBadValue() {
    assertThat(parse("A->B.tasks.max", ref("tasks.bad")).problems()).containsExactly(
        "A->B.tasks.max: 'many' is not a whole number; use a number of copy threads from 1 to 12");
  }

  @Test
  void declarationMistakes_problemsAndWarningsNameTheKeys() {
    Mm2Properties props = Mm2Properties.parse(Map.of(
        "clusters", "A, B",
        "A.bootstrap.servers", "127.0.0.1:9001",
        "B.bootstrap.servers", "127.0.0.1:9002",
        "A->B.enabled", "true",
        "config.providers", "file, env, str, nope",
        "config.providers.file.class", FILE,
        "config.providers.file.cache", "true",
        "config.providers.str.class", String.class.getName(),
        "config.providers.nope.class", "com.example.NoSuchProvider",
        "config.providers.vault.class", "com.example.VaultConfigProvider"));

    assertThat(props.problems()).hasSize(3);
    assertThat(props.problems().get(0)).isEqualTo("config.providers.env.class is missing: 'config.providers' "
        + "lists provider 'env'; set it to a ConfigProvider class such as " + FILE + " or " + ENV);
    assertThat(props.problems().get(1)).isEqualTo("config.providers.str.class: 'java.lang.String' is not a "
        + "org.apache.kafka.common.config.provider.ConfigProvider; use a provider class such as " + FILE + " or "
        + ENV);
    assertThat(props.problems().get(2)).startsWith("config.providers.nope.class: class 'com.example.NoSuchProvider' "
        + "cannot be loaded (");
    assertThat(props.warnings()).containsExactly(
        "unknown key 'config.providers.file.cache' ignored; a config provider takes 'config.providers.file.class' "
            + "and 'config.providers.file.param.*'",
        "config.providers.vault.class: ignored; it declares a config provider that 'config.providers' does not "
            + "list [file, env, str, nope]; add the provider's name to 'config.providers' or remove the key");
  }

  @Test
  void providerParameters_passedToTheProviderAndToTheClients() throws IOException {
    Path secretDir = Files.createDirectories(dir.resolve("secret-dir"));
    Files.writeString(secretDir.resolve("jaas"), JAAS);
    Mm2Properties props = parse(
        "config.providers", "dir",
        "config.providers.dir.class", DirectoryConfigProvider.class.getName(),
        "config.providers.dir.param.allowed.paths", secretDir.toString(),
        "A.security.protocol", "SASL_PLAINTEXT",
        "A.sasl.mechanism", "PLAIN",
        "A.sasl.jaas.config", "${dir:" + secretDir + ":jaas}");

    withMirror(props, mirror -> assertThat(mirror.clusters().get("A").properties())
        .containsEntry("config.providers", "dir")
        .containsEntry("config.providers.dir.param.allowed.paths", secretDir.toString()));
    // allowed.paths is enforced: a file outside it cannot be read.
    assertThat(parse(
        "config.providers", "dir",
        "config.providers.dir.class", DirectoryConfigProvider.class.getName(),
        "config.providers.dir.param.allowed.paths", secretDir.toString(),
        "A->B.topics", "${dir:" + dir + ":mm2-secrets.properties}").problems())
        .singleElement().asString().startsWith("A->B.topics: config provider 'dir' ");
  }

  @Test
  void clusterOwnProviders_referencesLeftForThatClustersClients() {
    Mm2Properties props = Mm2Properties.parse(Map.of(
        "clusters", "A, B",
        "A.bootstrap.servers", "127.0.0.1:9001",
        "B.bootstrap.servers", "127.0.0.1:9002",
        "A->B.enabled", "true",
        "A.config.providers", "file",
        "A.config.providers.file.class", FILE,
        "A.security.protocol", "SASL_PLAINTEXT",
        "A.sasl.mechanism", "PLAIN",
        "A.sasl.jaas.config", ref("jaas")));

    withMirror(props, mirror -> assertThat(mirror.clusters().get("A").properties())
        .containsEntry("sasl.jaas.config", ref("jaas")));

    Mm2Properties notForB = Mm2Properties.parse(Map.of(
        "clusters", "A, B",
        "A.bootstrap.servers", "127.0.0.1:9001",
        "B.bootstrap.servers", "127.0.0.1:9002",
        "A->B.enabled", "true",
        "A.config.providers", "file",
        "A.config.providers.file.class", FILE,
        "B.sasl.jaas.config", ref("jaas")));
    assertThat(notForB.problems()).singleElement().asString()
        .startsWith("B.sasl.jaas.config: '" + ref("jaas") + "' names config provider 'file', which is not declared");
  }

  @Test
  void clusterProviderOfTheSameNameDeclaredDifferently_isProblem() {
    Mm2Properties props = parse(
        "A.config.providers", "file",
        "A.config.providers.file.class", DirectoryConfigProvider.class.getName());

    assertThat(props.problems()).containsExactly("A.config.providers: cluster 'A' declares config provider 'file' "
        + "differently from the top level ('config.providers.file.*'); its clients get both, so give one of them "
        + "another name");
    assertThat(parse("A.config.providers", "file", "A.config.providers.file.class", FILE).problems()).isEmpty();
  }

  @Test
  void providerNotAllowedBySystemProperty_isProblemNamingKey() {
    String property = AbstractConfig.AUTOMATIC_CONFIG_PROVIDERS_PROPERTY;
    String before = System.getProperty(property);
    System.setProperty(property, ENV);
    try {
      assertThat(parse().problems()).containsExactly("config.providers.file.class: '" + FILE + "' is not allowed "
          + "by the system property " + property + " (" + ENV + "), which Kafka clients obey too; add the class "
          + "there or use an allowed provider");
    } finally {
      if (before == null) {
        System.clearProperty(property);
      } else {
        System.setProperty(property, before);
      }
    }
  }

  @Test
  void flowLevelDeclaration_warnedAsIgnored() {
    assertThat(parse("A->B.config.providers", "env").warnings()).containsExactly("A->B.config.providers: ignored; "
        + "declare config providers at the top level ('config.providers'), or per cluster for its clients "
        + "('A.config.providers')");
  }

  @Test
  void secretsResolvedByProviders_neverInProblemsWarningsOrToString() {
    Mm2Properties props = parse(
        "A.security.protocol", "SASL_PLAINTEXT",
        "A.sasl.mechanism", "PLAIN",
        "A.sasl.jaas.config", ref("jaas"),
        "A.ssl.key.password", ref("jaas"),
        "A.consumer.sasl.jaas.config", ref("jaas"),
        "A->B.topics", "(",
        "unknown.key", ref("jaas"));

    String everything = String.join("\n", props.toString(), String.join("\n", props.problems()),
        String.join("\n", props.warnings()));
    assertThat(props.problems()).isNotEmpty();
    assertThat(everything).doesNotContain(SECRET);
    List<String> none = parse("A.sasl.jaas.config", ref("jaas")).problems();
    assertThat(none).isEmpty();
  }
}
