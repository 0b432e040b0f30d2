package dev.mirror.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public surface of {@code dev.mirror.client}: no type of {@code dev.mirror.client.internal} in a public or
 * protected signature, and no checked exception declared (the library's errors are unchecked).
 */
class PublicApiTest {

  private static final List<Class<?>> API = List.of(
      Checkpoint.class, DefaultReplicationPolicy.class, Failover.class, Heartbeat.class,
      IdentityReplicationPolicy.class, MirrorClient.class, MirrorClientException.class,
      MirrorRecordFormatException.class, MirrorTimeoutException.class, OffsetSync.class, ReplicationPolicies.class,
      ReplicationPolicy.class, RemoteClusterUtils.class);

  @Test
  void publicSignatures_neverMentionInternalTypes() {
    List<String> leaks = new ArrayList<>();
    for (Class<?> type : API) {
      assertThat(Modifier.isPublic(type.getModifiers())).as(type.getName()).isTrue();
      for (Type parent : Stream.concat(Stream.of(type.getGenericSuperclass()),
          Stream.of(type.getGenericInterfaces())).toList()) {
        check(type.getName() + " extends", parent, leaks);
      }
      for (Field field : type.getDeclaredFields()) {
        if (isApi(field.getModifiers())) {
          check(type.getName() + "." + field.getName(), field.getGenericType(), leaks);
        }
      }
      for (Executable executable : executables(type)) {
        if (!isApi(executable.getModifiers())) {
          continue;
        }
        String name = type.getName() + "." + executable.getName();
        if (executable instanceof Method method) {
          check(name + " returns", method.getGenericReturnType(), leaks);
        }
        for (Type parameter : executable.getGenericParameterTypes()) {
          check(name + " takes", parameter, leaks);
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  @Test
  void clientApi_declaresNoCheckedExceptions() {
    for (Class<?> type : List.of(MirrorClient.class, RemoteClusterUtils.class, Failover.class)) {
      for (Executable executable : executables(type)) {
        if (isApi(executable.getModifiers())) {
          assertThat(executable.getExceptionTypes()).as(executable.toString()).isEmpty();
        }
      }
    }
  }

  @Test
  void staticHelpers_areFinalWithPrivateConstructor() throws Exception {
    for (Class<?> type : List.of(RemoteClusterUtils.class, Failover.class)) {
      assertThat(Modifier.isFinal(type.getModifiers())).as(type.getName()).isTrue();
      Constructor<?> constructor = type.getDeclaredConstructor();
      assertThat(Modifier.isPrivate(constructor.getModifiers())).as(type.getName()).isTrue();
    }
    assertThat(Modifier.isFinal(MirrorClient.class.getModifiers())).isTrue();
  }

  private static List<Executable> executables(Class<?> type) {
    List<Executable> all = new ArrayList<>(List.of(type.getDeclaredMethods()));
    all.addAll(List.of(type.getDeclaredConstructors()));
    return all;
  }

  private static boolean isApi(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void check(String where, Type type, List<String> leaks) {
    if (type != null && type.getTypeName().contains(".internal.")) {
      leaks.add(where + " " + type.getTypeName());
    }
  }
}
