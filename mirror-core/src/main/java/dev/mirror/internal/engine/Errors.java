package dev.mirror.internal.engine;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.jspecify.annotations.Nullable;

/** Turns Kafka client errors into messages that name the cause and the fix. */
final class Errors {
  private Errors() {}

  /** Unwraps ExecutionExceptions (and similar wrappers) to the Kafka error underneath. */
  static Throwable unwrap(Throwable t) {
    Throwable current = t;
    for (int i = 0; i < 10 && current instanceof ExecutionException && current.getCause() != null; i++) {
      current = current.getCause();
    }
    return current;
  }

  /**
   * Describes an error of an operation on a resource, naming the missing permission for authorization
   * errors.
   */
  static String describe(@Nullable Throwable error, String operation, String resourceType, String resource) {
    if (error == null) {
      return "unknown error";
    }
    Throwable t = unwrap(error);
    if (t instanceof TopicAuthorizationException && resourceType.equals("the resource")) {
      return "not authorized on topics " + ((TopicAuthorizationException) t).unauthorizedTopics()
          + "; grant the ACLs Mirror.checkPermissions reports as missing";
    }
    if (t instanceof TopicAuthorizationException || t instanceof GroupAuthorizationException
        || t instanceof TransactionalIdAuthorizationException) {
      return "not authorized (" + t.getMessage() + "); grant " + operation + " on " + resourceType + " '"
          + resource + "' to Mirror's principal";
    }
    if (t instanceof ClusterAuthorizationException) {
      return "not authorized (" + t.getMessage() + "); grant " + operation + " on CLUSTER to Mirror's principal";
    }
    if (t instanceof AuthorizationException) {
      return "not authorized (" + t.getMessage() + "); grant " + operation + " on " + resourceType + " '"
          + resource + "' to Mirror's principal";
    }
    if (t instanceof AuthenticationException) {
      return "authentication failed (" + t.getMessage() + "); check the cluster's sasl/ssl properties";
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /** Returns whether retrying cannot help without a change by a person. Such errors are still retried, slower. */
  static boolean needsPerson(Throwable error) {
    Throwable t = unwrap(error);
    return t instanceof AuthorizationException || t instanceof AuthenticationException;
  }
}
