package dev.mirror.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Argument checks shared by the builders. Messages name the subject, the bad value and the rule. */
public final class Checks {
  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]+");
  private static final int MAX_NAME_LENGTH = 100;

  private Checks() {}

  /** Checks a cluster alias, Mirror name and the like: they end up in topic names and client ids. */
  public static String legalName(String value, String subject) {
    Objects.requireNonNull(value, subject);
    if (value.isEmpty() || value.length() > MAX_NAME_LENGTH || !LEGAL_NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(subject + " must be 1 to " + MAX_NAME_LENGTH
          + " characters of [a-zA-Z0-9._-], because it is used in topic names and client ids, but was '"
          + value + "'");
    }
    return value;
  }

  /** Checks that a duration is strictly positive. */
  public static Duration positive(Duration value, String subject) {
    Objects.requireNonNull(value, subject);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(subject + " must be positive, but was " + value);
    }
    return value;
  }

  /** Checks that a duration is zero or positive. */
  public static Duration notNegative(Duration value, String subject) {
    Objects.requireNonNull(value, subject);
    if (value.isNegative()) {
      throw new IllegalArgumentException(subject + " must not be negative, but was " + value);
    }
    return value;
  }

  /** Compiles a regular expression, naming the subject and the bad expression when it is invalid. */
  public static Pattern regex(String regex, String subject) {
    Objects.requireNonNull(regex, subject);
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(subject + " must be a valid Java regular expression, but '" + regex
          + "' is not: " + e.getDescription() + " near index " + e.getIndex(), e);
    }
  }

  /** Copies a Kafka client property map, rejecting null keys and values with a message naming them. */
  public static Map<String, Object> properties(Map<String, ?> properties, String subject) {
    Objects.requireNonNull(properties, subject);
    Map<String, Object> copy = new LinkedHashMap<>();
    properties.forEach((k, v) -> {
      if (k == null) {
        throw new NullPointerException(subject + " contains a null key");
      }
      if (v == null) {
        throw new NullPointerException(subject + " has a null value for '" + k + "'; remove the key instead");
      }
      copy.put(k, v);
    });
    return copy;
  }

  /** Returns whether a configuration key holds a secret whose value must never be printed. */
  public static boolean isSecretKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("secret") || k.contains("jaas") || k.contains("token")
        || k.contains("credential") || k.endsWith(".key");
  }

  /** Renders properties for logs and toString(), with secret values replaced by {@code [hidden]}. */
  public static String masked(Map<String, ?> properties) {
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, ?> e : new java.util.TreeMap<>(properties).entrySet()) {
      if (!first) {
        sb.append(", ");
      }
      first = false;
      sb.append(e.getKey()).append('=').append(isSecretKey(e.getKey()) ? "[hidden]" : e.getValue());
    }
    return sb.append('}').toString();
  }
}
