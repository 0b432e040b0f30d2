package dev.mirror.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.common.metadata.UserScramCredentialRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.ApiMessageAndVersion;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link EmbeddedKafkaCluster} secures its client listener: the protocol, the SASL mechanism and users,
 * the TLS files, and whether ACLs are enforced. The controller listener always stays PLAINTEXT on loopback.
 *
 * <p>Built by the static factories below, which check their arguments; {@link #open(String)} then creates
 * what the broker needs on disk (TLS keystores), and {@link #close()} deletes it. Secret values never appear in
 * messages or {@link #toString()}.
 */
final class ClusterSecurity implements AutoCloseable {

  /** SASL mechanisms of {@link #saslScram}. */
  static final List<String> SCRAM_MECHANISMS = List.of("SCRAM-SHA-256", "SCRAM-SHA-512");

  /** The principal of the PLAINTEXT controller listener; a super user when ACLs are on, so the broker can register. */
  static final String CONTROLLER_PRINCIPAL = "ANONYMOUS";

  /** The CN of the broker's own certificate, and so its principal over TLS with client authentication. */
  static final String TLS_BROKER_PRINCIPAL = "broker";

  private static final int SCRAM_ITERATIONS = 4096;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern LEGAL_USER = Pattern.compile("[a-zA-Z0-9._-]+");
  private static final String PLAIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
  private static final String SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";
  private static final String AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

  static final ClusterSecurity PLAINTEXT = new ClusterSecurity(SecurityProtocol.PLAINTEXT, null, Map.of(), "",
      false, false);

  private final SecurityProtocol protocol;
  private final @Nullable String mechanism;
  private final Map<String, String> users;
  private final String superUser;
  private final boolean aclsOn;
  private final boolean clientAuthRequired;
  private final Map<String, TestCertificateAuthority.StoreFile> clientKeystores = new ConcurrentHashMap<>();
  private volatile @Nullable TestCertificateAuthority ca;
  private volatile TestCertificateAuthority.@Nullable StoreFile brokerKeystore;

  private ClusterSecurity(SecurityProtocol protocol, @Nullable String mechanism, Map<String, String> users,
      String superUser, boolean aclsOn, boolean clientAuthRequired) {
    this.protocol = protocol;
    this.mechanism = mechanism;
    this.users = users;
    this.superUser = superUser;
    this.aclsOn = aclsOn;
    this.clientAuthRequired = clientAuthRequired;
  }

  static ClusterSecurity saslPlain(Map<String, String> users, boolean aclsOn, String superUser) {
    return new ClusterSecurity(SecurityProtocol.SASL_PLAINTEXT, "PLAIN", checkUsers(users, superUser), superUser,
        aclsOn, false);
  }

  static ClusterSecurity saslScram(String mechanism, Map<String, String> users, boolean aclsOn, String superUser) {
    Objects.requireNonNull(mechanism, "mechanism");
    if (!SCRAM_MECHANISMS.contains(mechanism)) {
      throw new IllegalArgumentException("mechanism must be one of " + SCRAM_MECHANISMS + ", but was '"
          + mechanism + "'");
    }
    return new ClusterSecurity(SecurityProtocol.SASL_PLAINTEXT, mechanism, checkUsers(users, superUser), superUser,
        aclsOn, false);
  }

  static ClusterSecurity tls(boolean clientAuthRequired, boolean aclsOn, String superUser) {
    checkUserName(superUser, "superUser");
    if (aclsOn && !clientAuthRequired) {
      throw new IllegalArgumentException("ACLs need client authentication: without it every TLS client is "
          + "User:ANONYMOUS; pass clientAuthRequired=true, or aclsOn=false");
    }
    if (superUser.equals(TLS_BROKER_PRINCIPAL)) {
      throw new IllegalArgumentException("superUser must not be '" + TLS_BROKER_PRINCIPAL
          + "', the name of the broker's own certificate, but was '" + superUser + "'");
    }
    return new ClusterSecurity(SecurityProtocol.SSL, null, Map.of(), superUser, aclsOn, clientAuthRequired);
  }

  private static Map<String, String> checkUsers(Map<String, String> users, String superUser) {
    Objects.requireNonNull(users, "users");
    checkUserName(superUser, "superUser");
    Map<String, String> copy = new LinkedHashMap<>();
    users.forEach((user, password) -> {
      checkUserName(user, "user name");
      Objects.requireNonNull(password, "password of user '" + user + "'");
      // The value itself never goes into a message: it is a secret.
      if (password.isEmpty() || password.indexOf('"') >= 0 || password.indexOf('\\') >= 0
          || password.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException("password of user '" + user + "' must be non-empty, without '\"', '\\'"
            + " or control characters (it is quoted in a JAAS configuration), but was not");
      }
      copy.put(user, password);
    });
    if (!copy.containsKey(superUser)) {
      throw new IllegalArgumentException("superUser must be one of the users " + new TreeSet<>(copy.keySet())
          + ", but was '" + superUser + "'");
    }
    return Map.copyOf(copy);
  }

  private static void checkUserName(String user, String subject) {
    Objects.requireNonNull(user, subject);
    if (!LEGAL_USER.matcher(user).matches()) {
      throw new IllegalArgumentException(subject + " must be made of the characters [a-zA-Z0-9._-], but was '"
          + user + "'");
    }
  }

  SecurityProtocol protocol() {
    return protocol;
  }

  boolean isScram() {
    return mechanism != null && mechanism.startsWith("SCRAM-");
  }

  String superUser() {
    return superUser;
  }

  /**
   * Returns {@code bootstrap} plus one SCRAM credential record per user, computed as RFC 5802 says (and as
   * {@code kafka-storage format --add-scram} does): a random salt, 4096 iterations, the stored key and the server
   * key. The password itself is not stored.
   */
  BootstrapMetadata withScramCredentials(BootstrapMetadata bootstrap) {
    String mech = Objects.requireNonNull(mechanism);
    ScramMechanism scram = ScramMechanism.fromMechanismName(mech);
    String hash = mech.substring("SCRAM-".length());                 // SHA-256, SHA-512
    String hmac = "Hmac" + hash.replace("-", "");                    // HmacSHA256, HmacSHA512
    List<ApiMessageAndVersion> records = new ArrayList<>(bootstrap.records());
    try {
      for (Map.Entry<String, String> user : users.entrySet()) {
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        // SCRAM's Hi() is PBKDF2 with the mechanism's HMAC, one block long.
        SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2With" + hmac);
        int keyBits = MessageDigest.getInstance(hash).getDigestLength() * 8;
        byte[] saltedPassword = pbkdf2.generateSecret(
            new PBEKeySpec(user.getValue().toCharArray(), salt, SCRAM_ITERATIONS, keyBits)).getEncoded();
        Mac mac = Mac.getInstance(hmac);
        mac.init(new SecretKeySpec(saltedPassword, hmac));
        byte[] clientKey = mac.doFinal("Client Key".getBytes(StandardCharsets.UTF_8));
        byte[] serverKey = mac.doFinal("Server Key".getBytes(StandardCharsets.UTF_8));
        byte[] storedKey = MessageDigest.getInstance(hash).digest(clientKey);
        records.add(new ApiMessageAndVersion(new UserScramCredentialRecord()
            .setName(user.getKey())
            .setMechanism(scram.type())
            .setSalt(salt)
            .setStoredKey(storedKey)
            .setServerKey(serverKey)
            .setIterations(SCRAM_ITERATIONS), (short) 0));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot compute the " + mech + " credentials of the users "
          + new TreeSet<>(users.keySet()) + ": " + e, e);
    }
    return BootstrapMetadata.fromRecords(records, bootstrap.source());
  }

  /** Creates the files the broker needs (TLS only). */
  void open(String clusterName) {
    if (protocol == SecurityProtocol.SSL) {
      TestCertificateAuthority authority = TestCertificateAuthority.create(clusterName);
      ca = authority;
      brokerKeystore = authority.issue(TLS_BROKER_PRINCIPAL, true);
    }
  }

  /**
   * Returns the broker settings for the client listener {@code listenerName}, which the caller declares in
   * {@code listeners}; empty for PLAINTEXT.
   */
  Map<String, String> brokerConfig(String listenerName, String controllerListenerName) {
    Map<String, String> config = new LinkedHashMap<>();
    if (protocol == SecurityProtocol.PLAINTEXT) {
      return config;
    }
    config.put("listener.security.protocol.map", listenerName + ":" + protocol.name + ","
        + controllerListenerName + ":" + SecurityProtocol.PLAINTEXT.name);
    String prefix = "listener.name." + listenerName.toLowerCase(java.util.Locale.ROOT) + ".";
    if (protocol == SecurityProtocol.SASL_PLAINTEXT) {
      String mech = Objects.requireNonNull(mechanism);
      config.put("sasl.enabled.mechanisms", mech);
      config.put("sasl.mechanism.inter.broker.protocol", mech);
      // One JAAS entry per listener and mechanism: the server side of the listener, and the broker's own
      // inter-broker client (which logs in as the super user). No JVM-wide JAAS file.
      StringBuilder jaas = new StringBuilder(jaasEntry(superUser));
      if (!isScram()) {
        jaas.setLength(jaas.length() - 1); // PLAIN: the users and passwords follow, before the ';'
        users.forEach((u, p) -> jaas.append(" user_").append(u).append("=\"").append(p).append('"'));
        jaas.append(';');
      }
      config.put(prefix + mech.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config", jaas.toString());
    } else {
      TestCertificateAuthority authority = Objects.requireNonNull(ca, "open() first");
      TestCertificateAuthority.StoreFile keystore = Objects.requireNonNull(brokerKeystore);
      config.put("ssl.keystore.type", "PKCS12");
      config.put("ssl.keystore.location", keystore.path().toString());
      config.put("ssl.keystore.password", keystore.password());
      config.put("ssl.key.password", keystore.password());
      config.put("ssl.truststore.type", "PKCS12");
      config.put("ssl.truststore.location", authority.truststore().path().toString());
      config.put("ssl.truststore.password", authority.truststore().password());
      config.put("ssl.client.auth", clientAuthRequired ? "required" : "none");
      // CN=alice,... -> User:alice, so ACLs and super.users name users as over SASL.
      config.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+)(,.*)?$/$1/,DEFAULT");
      config.put("ssl.endpoint.identification.algorithm", "https");
    }
    if (aclsOn) {
      config.put("authorizer.class.name", AUTHORIZER);
      config.put("allow.everyone.if.no.acl.found", "false");
      String supers = "User:" + superUser + ";User:" + CONTROLLER_PRINCIPAL;
      if (protocol == SecurityProtocol.SSL) {
        supers += ";User:" + TLS_BROKER_PRINCIPAL;
      }
      config.put("super.users", supers);
    }
    return config;
  }

  /**
   * Returns the properties a client of the cluster at {@code bootstrapServers} needs to connect as
   * {@code user}.
   *
   * @throws IllegalArgumentException if the cluster does not authenticate clients, or does not know the user
   */
  Map<String, Object> clientProperties(String clusterName, String bootstrapServers, String user) {
    Objects.requireNonNull(user, "user");
    Map<String, Object> props = new LinkedHashMap<>();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol.name);
    switch (protocol) {
      case SASL_PLAINTEXT -> {
        if (!users.containsKey(user)) {
          throw new IllegalArgumentException("user must be one of the users of cluster '" + clusterName + "' "
              + new TreeSet<>(users.keySet()) + ", but was '" + user + "'");
        }
        props.put(SaslConfigs.SASL_MECHANISM, Objects.requireNonNull(mechanism));
        props.put(SaslConfigs.SASL_JAAS_CONFIG, jaasEntry(user));
      }
      case SSL -> {
        TestCertificateAuthority authority = Objects.requireNonNull(ca, "open() first");
        props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        props.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, authority.truststore().path().toString());
        props.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, authority.truststore().password());
        if (clientAuthRequired) {
          checkUserName(user, "user");
          if (user.equals(TLS_BROKER_PRINCIPAL)) {
            throw new IllegalArgumentException("user must not be '" + TLS_BROKER_PRINCIPAL
                + "', the name of the broker's own certificate, but was '" + user + "'");
          }
          TestCertificateAuthority.StoreFile keystore =
              clientKeystores.computeIfAbsent(user, u -> authority.issue(u, false));
          props.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
          props.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keystore.path().toString());
          props.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, keystore.password());
          props.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, keystore.password());
        } else if (!user.equals(superUser)) {
          throw new IllegalArgumentException("cluster '" + clusterName + "' does not authenticate clients (TLS "
              + "without client authentication: every client is User:ANONYMOUS), so it has no user '" + user
              + "'; use clientProperties(), or start it with clientAuthRequired=true");
        }
      }
      default -> {
        if (!user.equals(superUser)) {
          throw new IllegalArgumentException("cluster '" + clusterName + "' does not authenticate clients "
              + "(security protocol " + protocol.name + "), so it has no user '" + user
              + "'; use clientProperties()");
        }
      }
    }
    return Map.copyOf(props);
  }

  private String jaasEntry(String user) {
    return (isScram() ? SCRAM_MODULE : PLAIN_MODULE) + " required username=\"" + user + "\" password=\""
        + users.get(user) + "\";";
  }

  /** Deletes the TLS files. Idempotent. */
  @Override
  public void close() {
    TestCertificateAuthority authority = ca;
    if (authority != null) {
      authority.close();
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(protocol.name);
    if (mechanism != null) {
      sb.append('/').append(mechanism).append(" users=").append(new TreeSet<>(users.keySet()));
    }
    if (protocol == SecurityProtocol.SSL) {
      sb.append(clientAuthRequired ? " clientAuth=required" : " clientAuth=none");
    }
    if (aclsOn) {
      sb.append(" acls superUser=").append(superUser);
    }
    return sb.toString();
  }
}
