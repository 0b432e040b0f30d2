package dev.mirror;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Which permissions the Mirror's flows need on each cluster, and which its principals lack. Returned by
 * {@link Mirror#checkPermissions(java.time.Duration)}; each flow also checks at start, before any data moves,
 * and logs what is missing.
 *
 * <p>Kafka hides resources a principal may not describe: a topic or group Mirror cannot see is not listed
 * here, so grant {@code DESCRIBE} first.
 *
 * @param checks every permission checked, granted or not
 * @since 0.1.0
 */
public record PermissionReport(List<Check> checks) {

  /**
   * One permission on one resource.
   *
   * @param cluster the cluster's alias
   * @param resourceType {@code TOPIC}, {@code GROUP} or {@code CLUSTER}
   * @param resource the resource's name ({@code kafka-cluster} for the cluster)
   * @param operation the ACL operation, e.g. {@code READ}
   * @param granted whether the principal has it
   * @param required whether a flow fails without it (false: a feature degrades, e.g. heartbeats on a read-only
   *     source)
   * @param purpose what it is needed for
   */
  public record Check(String cluster, String resourceType, String resource, String operation, boolean granted,
      boolean required, String purpose) {

    /** Checks the components. */
    public Check {
      Objects.requireNonNull(cluster, "cluster");
      Objects.requireNonNull(resourceType, "resourceType");
      Objects.requireNonNull(resource, "resource");
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(purpose, "purpose");
    }

    @Override
    public String toString() {
      return "cluster '" + cluster + "': " + (granted ? "has " : required ? "missing " : "missing (optional) ")
          + operation + " on " + resourceType + " '" + resource + "' (" + purpose + ")";
    }
  }

  /** Copies the checks. */
  public PermissionReport {
    checks = List.copyOf(checks);
  }

  /** Returns the required permissions that are not granted. */
  public List<Check> missing() {
    return checks.stream().filter(c -> c.required() && !c.granted()).collect(Collectors.toList());
  }

  /** Returns the optional permissions that are not granted. */
  public List<Check> missingOptional() {
    return checks.stream().filter(c -> !c.required() && !c.granted()).collect(Collectors.toList());
  }

  /** Returns whether every required permission is granted. */
  public boolean allRequiredGranted() {
    return missing().isEmpty();
  }

  @Override
  public String toString() {
    if (checks.isEmpty()) {
      return "no permission checked";
    }
    List<Check> missing = missing();
    List<Check> optional = missingOptional();
    StringBuilder sb = new StringBuilder(missing.isEmpty() ? "every required permission is granted"
        : missing.size() + " required permissions missing");
    for (Check c : missing) {
      sb.append("\n  - ").append(c);
    }
    for (Check c : optional) {
      sb.append("\n  - ").append(c);
    }
    return sb.toString();
  }
}
