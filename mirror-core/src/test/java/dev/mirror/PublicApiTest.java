package dev.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The public API never exposes implementation types from {@code dev.mirror.internal}. */
class PublicApiTest {

  @Test
  void publicSignatures_neverMentionInternalTypes() throws Exception {
    List<String> leaks = new ArrayList<>();
    List<Class<?>> api = apiClasses();
    assertThat(api).contains(Mirror.class, Mirror.Builder.class, FlowSpec.class, ClusterSpec.class);
    for (Class<?> c : api) {
      if (!Modifier.isPublic(c.getModifiers())) {
        continue;
      }
      check(leaks, c + " superclass", c.getGenericSuperclass());
      for (Type t : c.getGenericInterfaces()) {
        check(leaks, c + " interface", t);
      }
      for (Method m : c.getDeclaredMethods()) {
        if (Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers())) {
          check(leaks, m.toString(), m.getGenericReturnType());
          for (Type t : m.getGenericParameterTypes()) {
            check(leaks, m.toString(), t);
          }
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (Modifier.isPublic(k.getModifiers()) || Modifier.isProtected(k.getModifiers())) {
          for (Type t : k.getGenericParameterTypes()) {
            check(leaks, k.toString(), t);
          }
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isPublic(f.getModifiers()) || Modifier.isProtected(f.getModifiers())) {
          check(leaks, f.toString(), f.getGenericType());
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  private static void check(List<String> leaks, String where, Type type) {
    if (type != null && type.getTypeName().contains(".internal.")) {
      leaks.add(where + " exposes " + type.getTypeName());
    }
  }

  /** Every class compiled into package dev.mirror (not subpackages), nested classes included. */
  private static List<Class<?>> apiClasses() throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Path.of(Mirror.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> classes = new ArrayList<>();
    try (Stream<Path> files = Files.list(root.resolve("dev/mirror"))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String file = p.getFileName().toString();
        if (file.endsWith(".class") && !file.equals("package-info.class")) {
          classes.add(Class.forName("dev.mirror." + file.substring(0, file.length() - ".class".length())));
        }
      }
    }
    return classes;
  }
}
