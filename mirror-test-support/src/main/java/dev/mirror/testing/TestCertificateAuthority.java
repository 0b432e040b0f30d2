package dev.mirror.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throwaway certificate authority for one TLS test cluster: a CA key pair, a PKCS12 truststore holding its
 * certificate, and PKCS12 keystores it issues on demand (the broker's, one per client user). Every file lives
 * in one temporary directory that {@link #close()} deletes; every store has its own random password.
 *
 * <p>Key pairs and certificates come from the JDK's own {@code keytool} ({@code -genkeypair -signer}, one
 * process per certificate, about 0.3 s each), so no library is needed. The stores are then written with
 * {@link KeyStore}. Passwords reach {@code keytool} through its environment ({@code -storepass:env}), never
 * its command line, so they appear neither in process listings nor in error messages.
 *
 * <p>Thread-safe: issuing is serialized, because every certificate is signed in the CA's keystore.
 */
final class TestCertificateAuthority implements AutoCloseable {

  /** A PKCS12 store on disk and its password (which is also the password of the key inside, if any). */
  record StoreFile(Path path, String password) {
    @Override
    public String toString() {
      return "StoreFile{path=" + path + ", password=[hidden]}";
    }
  }

  private static final Logger log = LoggerFactory.getLogger(TestCertificateAuthority.class);
  private static final String STORE_TYPE = "PKCS12";
  private static final String CA_ALIAS = "ca";
  private static final String PASSWORD_ENV = "MIRROR_TEST_STOREPASS";
  private static final long KEYTOOL_TIMEOUT_SECONDS = 60;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String name;
  private final Path directory;
  private final Path caStore;
  private final String caPassword;
  private final StoreFile truststore;
  /** Guarded by this. */
  private int issued;
  /** Guarded by this. */
  private boolean closed;

  private TestCertificateAuthority(String name, Path directory, Path caStore, String caPassword,
      StoreFile truststore) {
    this.name = name;
    this.directory = directory;
    this.caStore = caStore;
    this.caPassword = caPassword;
    this.truststore = truststore;
  }

  /**
   * Creates the CA and its truststore in a new temporary directory.
   *
   * @param name the cluster's name, used in the CA's distinguished name and the directory's name
   * @throws IllegalStateException if {@code keytool} is missing or fails
   */
  static TestCertificateAuthority create(String name) {
    Path directory;
    try {
      directory = Files.createTempDirectory("mirror-tls-" + name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for the TLS files of cluster '" + name + "'", e);
    }
    try {
      Path caStore = directory.resolve("ca.p12");
      String caPassword = newPassword("ca");
      keytool(directory, name, caPassword, List.of("-genkeypair", "-alias", CA_ALIAS,
          "-dname", "CN=Mirror test CA " + name, "-ext", "bc:c", "-keystore", caStore.toString()));
      KeyStore ca = load(caStore, caPassword);
      KeyStore trust = KeyStore.getInstance(STORE_TYPE);
      trust.load(null, null);
      trust.setCertificateEntry(CA_ALIAS, ca.getCertificate(CA_ALIAS));
      StoreFile truststore = new StoreFile(directory.resolve("truststore.p12"), newPassword("truststore"));
      store(trust, truststore);
      return new TestCertificateAuthority(name, directory, caStore, caPassword, truststore);
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      deleteRecursively(directory);
      throw new IllegalStateException("cannot create the test CA of cluster '" + name + "': " + e, e);
    }
  }

  /** The truststore holding the CA's certificate; clients and the broker trust what the CA issued. */
  StoreFile truststore() {
    return truststore;
  }

  /**
   * Issues a key pair and a certificate for {@code commonName}, signed by the CA, in a keystore of its own.
   *
   * @param commonName the certificate's CN; with the broker's principal mapping rule it is the client's
   *     principal name
   * @param loopbackServer whether the certificate names {@code 127.0.0.1} and {@code localhost} as subject
   *     alternative names, as a broker's must for clients that verify host names
   * @return the keystore, holding one private key entry and its chain (the certificate, then the CA's)
   * @throws IllegalStateException if the CA is closed or {@code keytool} fails
   */
  synchronized StoreFile issue(String commonName, boolean loopbackServer) {
    if (closed) {
      throw new IllegalStateException("cannot issue a certificate for '" + commonName + "': the test CA of cluster '"
          + name + "' is closed");
    }
    String alias = "entity-" + (++issued);
    List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-dname", "CN=" + commonName,
        "-signer", CA_ALIAS, "-keystore", caStore.toString()));
    if (loopbackServer) {
      args.addAll(List.of("-ext", "SAN=ip:127.0.0.1,dns:localhost"));
    }
    keytool(directory, name, caPassword, args);
    try {
      KeyStore ca = load(caStore, caPassword);
      Key key = ca.getKey(alias, caPassword.toCharArray());
      Certificate[] chain = ca.getCertificateChain(alias);
      StoreFile file = new StoreFile(directory.resolve(alias + ".p12"), newPassword("keystore"));
      KeyStore keystore = KeyStore.getInstance(STORE_TYPE);
      keystore.load(null, null);
      keystore.setKeyEntry(commonName, key, file.password().toCharArray(), chain);
      store(keystore, file);
      return file;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot write the keystore of '" + commonName + "' for cluster '" + name
          + "': " + e, e);
    }
  }

  /** Deletes every file of this CA. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    deleteRecursively(directory);
  }

  @Override
  public String toString() {
    return "TestCertificateAuthority{cluster=" + name + ", directory=" + directory + "}";
  }

  /** A random password with a readable prefix, distinct in every store, so tests can search logs for it. */
  private static String newPassword(String what) {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return "tls-" + what + "-" + HexFormat.of().formatHex(bytes);
  }

  private static KeyStore load(Path path, String password) throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance(STORE_TYPE);
    try (InputStream in = Files.newInputStream(path)) {
      ks.load(in, password.toCharArray());
    }
    return ks;
  }

  private static void store(KeyStore ks, StoreFile file) throws GeneralSecurityException, IOException {
    try (OutputStream out = Files.newOutputStream(file.path())) {
      ks.store(out, file.password().toCharArray());
    }
  }

  /**
   * Runs {@code keytool} with EC P-256 keys, two days of validity and PKCS12 stores, the store password in its
   * environment. Bounded by {@link #KEYTOOL_TIMEOUT_SECONDS}.
   */
  private static void keytool(Path directory, String cluster, String storePassword, List<String> args) {
    String executable = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")
        ? "keytool.exe" : "keytool";
    Path keytool = Paths.get(System.getProperty("java.home"), "bin", executable);
    if (!Files.isExecutable(keytool)) {
      throw new IllegalStateException("cannot create TLS files for cluster '" + cluster + "': no keytool at "
          + keytool + "; run the tests on a full JDK");
    }
    List<String> command = new ArrayList<>();
    command.add(keytool.toString());
    // A short-lived JVM: skip the optimizing compiler, which only costs start-up time here.
    command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
    command.addAll(args);
    command.addAll(List.of("-storetype", STORE_TYPE, "-storepass:env", PASSWORD_ENV, "-keyalg", "EC",
        "-groupname", "secp256r1", "-validity", "2"));
    // Output goes to a file rather than a pipe, so that a keytool that hangs cannot block this thread: the
    // wait below is bounded. The store password travels in the environment, never on the command line.
    Path output = null;
    Process process = null;
    String what = "keytool " + args.get(0) + " for cluster '" + cluster + "'";
    try {
      output = Files.createTempFile(directory, "keytool-", ".log");
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
      pb.environment().put(PASSWORD_ENV, storePassword);
      long start = System.nanoTime();
      process = pb.start();
      if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException(what + " did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(what + " failed with exit code " + process.exitValue() + ": "
            + Files.readString(output, StandardCharsets.UTF_8).trim());
      }
      log.debug("{} took {} ms", what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + what + ": " + e, e);
    } catch (InterruptedException e) {
      throw new InterruptException(e);
    } finally {
      if (process != null && process.isAlive()) {
        process.destroyForcibly();
      }
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          log.debug("Could not delete {}", output, e);
        }
      }
    }
  }

  private static java.io.File nullDevice() {
    boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    return new java.io.File(windows ? "NUL" : "/dev/null");
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | UncheckedIOException e) {
      log.warn("Could not delete the TLS files {} of an embedded Kafka cluster", dir, e);
    }
  }
}
