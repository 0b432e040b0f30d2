package dev.mirror.client;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Creates {@link ReplicationPolicy} instances: the two standard policies, and a policy described by MirrorMaker 2
 * configuration keys, so an existing {@code mm2.properties} or client configuration can be reused unchanged.
 *
 * <pre>{@code
 * ReplicationPolicy policy = ReplicationPolicies.fromConfig(Map.of(
 *     ReplicationPolicies.REPLICATION_POLICY_CLASS_CONFIG, "org.apache.kafka.connect.mirror.DefaultReplicationPolicy",
 *     ReplicationPolicies.REPLICATION_POLICY_SEPARATOR_CONFIG, "_"));
 * policy.formatRemoteTopic("primary", "orders"); // "primary_orders"
 * }</pre>
 *
 * <p>This class is thread-safe; it has only static methods.
 *
 * @since 0.1.0
 */
public final class ReplicationPolicies {

  /**
   * MirrorMaker 2's key for the policy class: {@value}. See {@link #fromConfig(Map)} for the accepted values; the
   * default is {@link DefaultReplicationPolicy}.
   */
  public static final String REPLICATION_POLICY_CLASS_CONFIG = "replication.policy.class";

  /**
   * MirrorMaker 2's key for the separator between a cluster alias and a topic name: {@value}. A non-empty string;
   * the default is {@value DefaultReplicationPolicy#DEFAULT_SEPARATOR}.
   */
  public static final String REPLICATION_POLICY_SEPARATOR_CONFIG = "replication.policy.separator";

  /**
   * MirrorMaker 2's key for whether checkpoints and offset-syncs topic names use the separator: {@value}. A boolean
   * or the string {@code true} or {@code false}; the default is {@code true}. Read only when
   * {@value #REPLICATION_POLICY_SEPARATOR_CONFIG} is set too, as MirrorMaker 2 does (with the default separator the
   * setting makes no difference).
   */
  public static final String INTERNAL_TOPIC_SEPARATOR_ENABLED_CONFIG =
      "replication.policy.internal.topic.separator.enabled";

  /**
   * MirrorMaker 2's key for the identity policy's source cluster alias: {@value}. A string; by default there is
   * none. See {@link IdentityReplicationPolicy#withSourceClusterAlias(String)}.
   */
  public static final String SOURCE_CLUSTER_ALIAS_CONFIG = "source.cluster.alias";

  /** The short name of {@link DefaultReplicationPolicy} in {@value #REPLICATION_POLICY_CLASS_CONFIG}: {@value}. */
  public static final String DEFAULT_POLICY_NAME = "default";

  /** The short name of {@link IdentityReplicationPolicy} in {@value #REPLICATION_POLICY_CLASS_CONFIG}: {@value}. */
  public static final String IDENTITY_POLICY_NAME = "identity";

  private static final String MM2_DEFAULT_CLASS = "org.apache.kafka.connect.mirror.DefaultReplicationPolicy";
  private static final String MM2_IDENTITY_CLASS = "org.apache.kafka.connect.mirror.IdentityReplicationPolicy";

  private static final DefaultReplicationPolicy DEFAULT = new DefaultReplicationPolicy();
  private static final IdentityReplicationPolicy IDENTITY = new IdentityReplicationPolicy();

  private static final String ACCEPTED_CLASSES = "use '" + DEFAULT_POLICY_NAME + "', '" + IDENTITY_POLICY_NAME
      + "', " + MM2_DEFAULT_CLASS + ", " + MM2_IDENTITY_CLASS + ", " + DefaultReplicationPolicy.class.getName() + ", "
      + IdentityReplicationPolicy.class.getName() + ", or a public class implementing "
      + ReplicationPolicy.class.getName() + " with a public no-arg constructor";

  private ReplicationPolicies() {}

  /**
   * Returns the standard policy, MirrorMaker 2's default: remote topics are named {@code <alias>.<topic>}.
   *
   * @return a shared {@code new DefaultReplicationPolicy()}
   */
  public static DefaultReplicationPolicy defaultPolicy() {
    return DEFAULT;
  }

  /**
   * Returns the identity policy without a source cluster alias: remote topics keep their names.
   *
   * @return a shared {@code new IdentityReplicationPolicy()}
   */
  public static IdentityReplicationPolicy identity() {
    return IDENTITY;
  }

  /**
   * Returns the policy that MirrorMaker 2 would build from the same configuration. Keys other than the four below
   * are ignored, so a whole client or MirrorMaker 2 configuration can be passed in.
   *
   * <ul>
   *   <li>{@value #REPLICATION_POLICY_CLASS_CONFIG}: a class name as a {@link String} (surrounding whitespace is
   *       ignored) or a {@link Class}. {@code default} (the default when the key is absent or null),
   *       {@code org.apache.kafka.connect.mirror.DefaultReplicationPolicy} and
   *       {@code dev.mirror.client.DefaultReplicationPolicy} give a {@link DefaultReplicationPolicy};
   *       {@code identity}, {@code org.apache.kafka.connect.mirror.IdentityReplicationPolicy} and
   *       {@code dev.mirror.client.IdentityReplicationPolicy} give an {@link IdentityReplicationPolicy}. The short
   *       names ignore case. Any other name must be a public, non-abstract class implementing
   *       {@link ReplicationPolicy} with a public no-arg constructor, loaded through the thread's context class
   *       loader (else this class's loader); it is created with that constructor and the keys below do not apply to
   *       it. MirrorMaker 2 policy classes other than its two standard ones are refused: they implement a different
   *       interface.
   *   <li>{@value #REPLICATION_POLICY_SEPARATOR_CONFIG}: a non-empty {@link String}, read only when the key is
   *       present; default {@value DefaultReplicationPolicy#DEFAULT_SEPARATOR}.
   *   <li>{@value #INTERNAL_TOPIC_SEPARATOR_ENABLED_CONFIG}: a {@link Boolean} or the string {@code true} or
   *       {@code false} (case and surrounding whitespace ignored); default true. Read only when the separator key is
   *       present, as MirrorMaker 2 does.
   *   <li>{@value #SOURCE_CLUSTER_ALIAS_CONFIG}: a {@link String}, read for the identity policy only; absent or null
   *       means no alias.
   * </ul>
   *
   * @param config configuration keys and values, e.g. a consumer's or MirrorMaker 2's properties
   * @return a new policy, or a shared one when the configuration sets nothing but the class
   * @throws NullPointerException if {@code config} is null
   * @throws IllegalArgumentException if a value is of the wrong type or invalid, if the class cannot be found, does
   *     not implement {@link ReplicationPolicy} or cannot be created; the message names the key, quotes the value
   *     and lists what is accepted
   */
  public static ReplicationPolicy fromConfig(Map<String, ?> config) {
    Objects.requireNonNull(config, "config");
    Object classValue = config.get(REPLICATION_POLICY_CLASS_CONFIG);
    String className = classValue == null ? DEFAULT_POLICY_NAME : className(classValue);
    switch (className) {
      case DEFAULT_POLICY_NAME:
      case MM2_DEFAULT_CLASS:
        return defaultFromConfig(config);
      case IDENTITY_POLICY_NAME:
      case MM2_IDENTITY_CLASS:
        return identityFromConfig(config);
      default:
        if (className.equals(DefaultReplicationPolicy.class.getName())) {
          return defaultFromConfig(config);
        }
        if (className.equals(IdentityReplicationPolicy.class.getName())) {
          return identityFromConfig(config);
        }
        return instantiate(className);
    }
  }

  /** Normalizes the class value: trimmed, short names lower-cased. */
  private static String className(Object value) {
    String name;
    if (value instanceof Class<?> type) {
      name = type.getName();
    } else if (value instanceof String string) {
      name = string.trim();
    } else {
      throw new IllegalArgumentException(REPLICATION_POLICY_CLASS_CONFIG + " '" + value + "' is a "
          + value.getClass().getName() + ", but it must be a String or a Class; " + ACCEPTED_CLASSES);
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException(REPLICATION_POLICY_CLASS_CONFIG + " '" + value
          + "' is invalid: it must not be empty; " + ACCEPTED_CLASSES);
    }
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.equals(DEFAULT_POLICY_NAME) || lower.equals(IDENTITY_POLICY_NAME) ? lower : name;
  }

  private static DefaultReplicationPolicy defaultFromConfig(Map<String, ?> config) {
    if (!config.containsKey(REPLICATION_POLICY_SEPARATOR_CONFIG)) {
      return DEFAULT;
    }
    Object separatorValue = config.get(REPLICATION_POLICY_SEPARATOR_CONFIG);
    if (!(separatorValue instanceof String separator) || separator.isEmpty()) {
      throw new IllegalArgumentException(REPLICATION_POLICY_SEPARATOR_CONFIG + " '" + separatorValue + "'"
          + (separatorValue == null || separatorValue instanceof String
              ? " is invalid: it must be a non-empty string"
              : " is a " + separatorValue.getClass().getName() + ", but it must be a non-empty String")
          + "; use '" + DefaultReplicationPolicy.DEFAULT_SEPARATOR + "' (the default) or another separator such as "
          + "'_', or remove the key");
    }
    boolean internalTopicSeparatorEnabled = DefaultReplicationPolicy.DEFAULT_INTERNAL_TOPIC_SEPARATOR_ENABLED;
    if (config.containsKey(INTERNAL_TOPIC_SEPARATOR_ENABLED_CONFIG)) {
      internalTopicSeparatorEnabled = parseBoolean(config.get(INTERNAL_TOPIC_SEPARATOR_ENABLED_CONFIG));
    }
    return DefaultReplicationPolicy.withSeparator(separator, internalTopicSeparatorEnabled);
  }

  private static boolean parseBoolean(@Nullable Object value) {
    if (value instanceof Boolean bool) {
      return bool;
    }
    if (value instanceof String string) {
      String trimmed = string.trim();
      if (trimmed.equalsIgnoreCase("true")) {
        return true;
      }
      if (trimmed.equalsIgnoreCase("false")) {
        return false;
      }
    }
    throw new IllegalArgumentException(INTERNAL_TOPIC_SEPARATOR_ENABLED_CONFIG + " '" + value
        + "' is invalid: it must be true or false (a Boolean or a String); use true (the default) to name internal "
        + "topics with the separator, or false to name them with '.'");
  }

  private static IdentityReplicationPolicy identityFromConfig(Map<String, ?> config) {
    DefaultReplicationPolicy base = defaultFromConfig(config);
    Object alias = config.get(SOURCE_CLUSTER_ALIAS_CONFIG);
    if (alias == null) {
      return base.equals(DEFAULT) ? IDENTITY : IdentityReplicationPolicy.of(base);
    }
    if (!(alias instanceof String string)) {
      throw new IllegalArgumentException(SOURCE_CLUSTER_ALIAS_CONFIG + " '" + alias + "' is a "
          + alias.getClass().getName() + ", but it must be a String; use the alias of the cluster topics are "
          + "replicated from, or remove the key");
    }
    return IdentityReplicationPolicy.of(base, string);
  }

  private static ReplicationPolicy instantiate(String className) {
    Class<?> type = load(className);
    if (!ReplicationPolicy.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException(REPLICATION_POLICY_CLASS_CONFIG + " '" + className
          + "' is invalid: the class does not implement " + ReplicationPolicy.class.getName() + "; "
          + ACCEPTED_CLASSES);
    }
    if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
      throw new IllegalArgumentException(REPLICATION_POLICY_CLASS_CONFIG + " '" + className
          + "' is invalid: the class must be public and not abstract; " + ACCEPTED_CLASSES);
    }
    try {
      return (ReplicationPolicy) type.getConstructor().newInstance();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(REPLICATION_POLICY_CLASS_CONFIG + " '" + className
          + "' is invalid: the class has no public no-arg constructor; " + ACCEPTED_CLASSES, e);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(REPLICATION_POLICY_CLASS_CONFIG + " '" + className
          + "' is invalid: its no-arg constructor threw " + e.getCause() + "; fix the class or use another one",
          e.getCause());
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      throw new IllegalArgumentException(REPLICATION_POLICY_CLASS_CONFIG + " '" + className
          + "' is invalid: the class cannot be instantiated (" + e + "); " + ACCEPTED_CLASSES, e);
    }
  }

  private static Class<?> load(String className) {
    ClassLoader contextLoader = Thread.currentThread().getContextClassLoader();
    ClassLoader ownLoader = ReplicationPolicies.class.getClassLoader();
    ClassNotFoundException notFound = null;
    for (ClassLoader loader : new ClassLoader[] {contextLoader, ownLoader}) {
      if (loader == null) {
        continue;
      }
      try {
        return Class.forName(className, false, loader);
      } catch (ClassNotFoundException e) {
        notFound = e;
      } catch (LinkageError e) {
        throw new IllegalArgumentException(REPLICATION_POLICY_CLASS_CONFIG + " '" + className
            + "' is invalid: the class cannot be loaded (" + e + "); " + ACCEPTED_CLASSES, e);
      }
    }
    throw new IllegalArgumentException(REPLICATION_POLICY_CLASS_CONFIG + " '" + className
        + "' is invalid: no such class on the class path; " + ACCEPTED_CLASSES, notFound);
  }
}
