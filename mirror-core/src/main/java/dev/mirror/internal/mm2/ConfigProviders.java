package dev.mirror.internal.mm2;

import dev.mirror.internal.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.jspecify.annotations.Nullable;

/**
 * The Kafka config providers declared at the top level of an {@code mm2.properties} file
 * ({@code config.providers}, {@code config.providers.<name>.class}, {@code config.providers.<name>.param.*}),
 * and the resolution of {@code ${provider:[path:]key}} references with them, as MirrorMaker 2 resolves them in
 * the whole file.
 *
 * <p>The providers are created and configured once, by {@link #declare}, and closed by {@link #close()}.
 * Resolution failures become problems that name the key and the reference, never a resolved value. A reference
 * to a provider that the file does not declare at the top level is left as it is when the clients that get the
 * value declare that provider themselves ({@code <alias>.config.providers}); otherwise it is a problem.
 *
 * <p>Not thread-safe: one parse uses one instance.
 */
final class ConfigProviders implements AutoCloseable {

  /** The top-level key listing the providers. */
  static final String KEY = AbstractConfig.CONFIG_PROVIDERS_CONFIG;
  private static final String PREFIX = KEY + ".";
  private static final String CLASS_SUFFIX = ".class";
  private static final String PARAM = ".param.";
  /** Kafka's reference syntax, {@code ${provider:path:key}} or {@code ${provider:key}}. */
  private static final Pattern REFERENCE = ConfigTransformer.DEFAULT_PATTERN;
  private static final String FILE_PROVIDER = "org.apache.kafka.common.config.provider.FileConfigProvider";
  private static final String ENV_PROVIDER = "org.apache.kafka.common.config.provider.EnvVarConfigProvider";

  private final Map<String, ConfigProvider> providers;
  /** The declaration keys of the usable providers, as clients take them: {@code config.providers.<n>.*}. */
  private final Map<String, String> declarations;

  private ConfigProviders(Map<String, ConfigProvider> providers, Map<String, String> declarations) {
    this.providers = providers;
    this.declarations = declarations;
  }

  /** Returns whether {@code key} is a top-level provider declaration, which this class reads. */
  static boolean isDeclarationKey(String key) {
    return key.equals(KEY) || key.startsWith(PREFIX);
  }

  /** Returns whether {@code value} holds a {@code ${provider:...}} reference. */
  static boolean hasReference(String value) {
    return value.contains("${") && REFERENCE.matcher(value).find();
  }

  /** Returns the provider names a client setting list ({@code config.providers} value) declares. */
  static Set<String> names(@Nullable String listValue) {
    if (listValue == null) {
      return Set.of();
    }
    return new LinkedHashSet<>(Mm2Parser.list(listValue));
  }

  /**
   * Reads, creates and configures the providers the top level declares. Declaration mistakes are added to
   * {@code problems}; declarations of providers that are not listed, and unknown declaration keys, to
   * {@code warnings}.
   *
   * @param properties the whole file
   * @return the usable providers; {@link #close()} them when the file is parsed
   */
  static ConfigProviders declare(Map<String, String> properties, List<String> problems, List<String> warnings) {
    String listValue = properties.get(KEY);
    Set<String> listed = names(listValue);
    Map<String, Map<String, String>> params = new LinkedHashMap<>();
    Map<String, Map<String, String>> declarations = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(properties).entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(PREFIX)) {
        continue;
      }
      String name = listed.stream().filter(n -> key.startsWith(PREFIX + n + "."))
          .max((a, b) -> Integer.compare(a.length(), b.length())).orElse(null);
      if (name == null) {
        warnings.add(key + ": ignored; it declares a config provider that '" + KEY + "' does not list "
            + (listed.isEmpty() ? "(it is not set)" : listed.toString()) + "; add the provider's name to '" + KEY
            + "' or remove the key");
        continue;
      }
      String rest = key.substring(PREFIX.length() + name.length());
      if (rest.equals(CLASS_SUFFIX)) {
        declarations.computeIfAbsent(name, n -> new TreeMap<>()).put(key, e.getValue());
      } else if (rest.startsWith(PARAM) && rest.length() > PARAM.length()) {
        declarations.computeIfAbsent(name, n -> new TreeMap<>()).put(key, e.getValue());
        params.computeIfAbsent(name, n -> new TreeMap<>()).put(rest.substring(PARAM.length()), e.getValue());
      } else {
        warnings.add("unknown key '" + key + "' ignored; a config provider takes '" + PREFIX + name + CLASS_SUFFIX
            + "' and '" + PREFIX + name + PARAM + "*'");
      }
    }
    Map<String, ConfigProvider> providers = new LinkedHashMap<>();
    Map<String, String> usable = new TreeMap<>();
    for (String name : listed) {
      String classKey = PREFIX + name + CLASS_SUFFIX;
      String className = properties.get(classKey);
      if (className == null || className.isBlank()) {
        problems.add(classKey + " is missing: '" + KEY + "' lists provider '" + name + "'; set it to a "
            + "ConfigProvider class such as " + FILE_PROVIDER + " or " + ENV_PROVIDER);
        continue;
      }
      Map<String, String> providerParams = params.getOrDefault(name, Map.of());
      ConfigProvider provider = create(classKey, className.trim(), providerParams, problems);
      if (provider != null) {
        providers.put(name, provider);
        usable.putAll(declarations.getOrDefault(name, Map.of()));
      }
    }
    if (!providers.isEmpty()) {
      usable.put(KEY, String.join(",", providers.keySet()));
    }
    return new ConfigProviders(providers, Collections.unmodifiableMap(usable));
  }

  private static @Nullable ConfigProvider create(String classKey, String className, Map<String, String> params,
      List<String> problems) {
    String allowed = System.getProperty(AbstractConfig.AUTOMATIC_CONFIG_PROVIDERS_PROPERTY);
    if (allowed != null && Arrays.stream(allowed.split(",")).map(String::trim).noneMatch(className::equals)) {
      problems.add(classKey + ": '" + className + "' is not allowed by the system property "
          + AbstractConfig.AUTOMATIC_CONFIG_PROVIDERS_PROPERTY + " (" + allowed + "), which Kafka clients obey "
          + "too; add the class there or use an allowed provider");
      return null;
    }
    Class<?> type;
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      type = Class.forName(className, true, loader != null ? loader : ConfigProviders.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      problems.add(classKey + ": class '" + className + "' cannot be loaded (" + e + "); put it on the class path "
          + "or fix the name, such as " + FILE_PROVIDER);
      return null;
    }
    if (!ConfigProvider.class.isAssignableFrom(type)) {
      problems.add(classKey + ": '" + className + "' is not a " + ConfigProvider.class.getName() + "; use a "
          + "provider class such as " + FILE_PROVIDER + " or " + ENV_PROVIDER);
      return null;
    }
    ConfigProvider provider;
    try {
      provider = (ConfigProvider) type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | RuntimeException e) {
      problems.add(classKey + ": '" + className + "' cannot be created (" + e + "); it needs a public constructor "
          + "without arguments");
      return null;
    }
    try {
      provider.configure(params);
    } catch (RuntimeException e) {
      closeQuietly(provider);
      problems.add(classKey + ": provider '" + className + "' rejected its parameters: "
          + hideSecrets(String.valueOf(e.getMessage()), params) + "; fix the '" + classKey.replace(CLASS_SUFFIX, PARAM)
          + "*' keys");
      return null;
    }
    return provider;
  }

  /** Returns the names of the usable top-level providers, in declaration order. */
  Set<String> names() {
    return Collections.unmodifiableSet(providers.keySet());
  }

  /**
   * Returns the declarations of the usable providers as Kafka clients read them ({@code config.providers} and
   * the {@code config.providers.<name>.*} keys), so that clients resolve the references Mirror keeps in client
   * settings; empty when the file declares none.
   */
  Map<String, String> clientDeclarations() {
    return declarations;
  }

  /**
   * Resolves the references in a value with the top-level providers.
   *
   * @param key the key, named in problems
   * @param value the value as written
   * @param clientProviders provider names the clients that get this value declare themselves; references to
   *     them are left for the clients
   * @param sink where a problem goes
   * @return the value with the references replaced, or null after adding a problem to {@code sink}
   */
  @Nullable String resolve(String key, String value, Collection<String> clientProviders, List<String> sink) {
    if (!value.contains("${")) {
      return value;
    }
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    List<String> failures = new ArrayList<>();
    while (m.find()) {
      String reference = m.group();
      String name = m.group(1);
      String path = m.group(3) == null ? "" : m.group(3);
      String variable = m.group(4);
      ConfigProvider provider = providers.get(name);
      String replacement = reference;
      if (provider != null) {
        try {
          ConfigData data = provider.get(path, Set.of(variable));
          String resolved = data == null || data.data() == null ? null : data.data().get(variable);
          if (resolved == null) {
            failures.add("config provider '" + name + "' has no value for '" + variable + "'"
                + (path.isEmpty() ? "" : " in '" + path + "'") + " (reference '" + reference + "')");
          } else {
            replacement = resolved;
          }
        } catch (RuntimeException e) {
          failures.add("config provider '" + name + "' cannot resolve '" + reference + "': " + e.getMessage());
        }
      } else if (!clientProviders.contains(name)) {
        failures.add("'" + reference + "' names config provider '" + name + "', which is not declared; declare it "
            + "at the top level with '" + KEY + " = " + name + "' and '" + PREFIX + name + CLASS_SUFFIX
            + " = <ConfigProvider class>'"
            + (providers.isEmpty() ? "" : " (declared: " + providers.keySet() + ")"));
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    if (!failures.isEmpty()) {
      sink.add(key + ": " + String.join("; ", failures));
      return null;
    }
    return out.toString();
  }

  /** Closes every provider; their failures to close are ignored. */
  @Override
  public void close() {
    providers.values().forEach(ConfigProviders::closeQuietly);
  }

  private static void closeQuietly(ConfigProvider provider) {
    try {
      provider.close();
    } catch (Exception | LinkageError ignored) {
      // a provider that cannot close releases nothing Mirror depends on
    }
  }

  /** Replaces the values of secret parameters in a provider's message. */
  private static String hideSecrets(String message, Map<String, String> params) {
    String result = message;
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (Checks.isSecretKey(e.getKey()) && !e.getValue().isEmpty()) {
        result = result.replace(e.getValue(), "[hidden]");
      }
    }
    return result;
  }

  /** Returns the top-level declaration keys that {@code clientKeys} (a cluster's own settings) contradict. */
  List<String> conflicts(Map<String, String> clientKeys) {
    Set<String> clusterNames = names(clientKeys.get(KEY));
    List<String> conflicts = new ArrayList<>();
    for (String name : providers.keySet()) {
      if (!clusterNames.contains(name)) {
        continue;
      }
      String prefix = PREFIX + name + ".";
      Map<String, String> mine = declarations.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      Map<String, String> theirs = clientKeys.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      if (!mine.equals(theirs)) {
        conflicts.add(name);
      }
    }
    return conflicts;
  }
}
