package dev.mirror.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import kafka.server.BrokerServer;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TopicListing;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft cluster (one process acting as broker and controller) running inside the current JVM,
 * listening on {@code 127.0.0.1} only for clients, with its data in a temporary directory.
 *
 * <pre>{@code
 * try (EmbeddedKafkaCluster primary = EmbeddedKafkaCluster.start("primary")) {
 *   Map<String, Object> props = new HashMap<>(primary.clientProperties());
 *   ...
 *   primary.restartBroker();        // same port: clients reconnect by themselves
 * }
 * }</pre>
 *
 * <p>Built on Kafka's own test kit ({@link KafkaClusterTestKit}), the same brokers Kafka's integration tests
 * run. The broker gets {@link #DEFAULT_BROKER_CONFIG}: replication factor 1 and small partition counts for
 * every internal topic (without them a consumer group or a transaction waits forever for its coordinator),
 * no automatic topic creation and no initial rebalance delay. Start a cluster once per test class or JVM and
 * keep tests apart with unique topic and group names; a start takes a few seconds. Several clusters can run
 * in one JVM.
 *
 * <p>{@link #stopBroker()} and {@link #startBroker()} stop and start the broker role of the node on the same
 * port with the same data, as Kafka's {@code ClusterInstance.shutdownBroker/startBroker} do: the listener
 * closes, clients see connections refused, and after the start they reconnect to the same address by
 * themselves. The KRaft controller role keeps running meanwhile, so the cluster's metadata survives. A start
 * right after a stop takes about 3 s: the controller refuses the new broker incarnation until the session of
 * the previous one has expired ({@code broker.session.timeout.ms}, lowered from 9 s to 3 s here).
 *
 * <p>Both listeners (broker and controller) are bound to {@code 127.0.0.1}, so no test broker is reachable from
 * the network. The test kit binds to every interface by default; this class swaps in its own port reservation
 * (see {@code LoopbackSocketFactoryManager}), and falls back to the kit's default with a warning should a later
 * Kafka version not allow it. Clients connect through {@link #bootstrapServers()} in either case.
 *
 * <p>Secure clusters: {@link #startSaslPlain}, {@link #startSaslScram} and {@link #startTls} make the client
 * listener {@code SASL_PLAINTEXT} or {@code SSL} (optionally with client certificates and ACLs enforced by
 * {@code StandardAuthorizer}), while the controller listener stays {@code PLAINTEXT} on loopback.
 * {@link #clientProperties()} then connects as the super user, {@link #clientProperties(String)} as another
 * user. Passwords and key material exist only in memory and in a temporary directory deleted on close.
 *
 * <pre>{@code
 * try (EmbeddedKafkaCluster source = EmbeddedKafkaCluster.startSaslScram("source", "SCRAM-SHA-512",
 *          Map.of("admin", "admin-pw", "mirror", "mirror-pw"), true, "admin");
 *      EmbeddedKafkaCluster target = EmbeddedKafkaCluster.startTls("target", true)) {
 *   // grant ACLs to User:mirror with Admin.create(source.clientProperties()), then:
 *   Map<String, Object> asMirror = source.clientProperties("mirror");
 *   Map<String, Object> withCertificate = target.clientProperties("mirror");   // CN=mirror
 * }
 * }</pre>
 *
 * <p>This class is thread-safe. Whoever starts a cluster owns it and must {@link #close()} it; closing deletes
 * its data directory.
 */
public final class EmbeddedKafkaCluster implements KafkaCluster {

  /**
   * The broker settings every embedded cluster starts with; the map passed to
   * {@link #start(String, Map)} overrides them key by key.
   */
  public static final Map<String, String> DEFAULT_BROKER_CONFIG = defaultBrokerConfig();

  /** How long {@link #start} and {@link #startBroker()} wait for the broker to answer metadata requests. */
  public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);
  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]+");
  private static final String LOOPBACK = "127.0.0.1";

  private final String name;
  private final KafkaClusterTestKit kit;
  private final int brokerId;
  private final String bootstrapServers;
  private final Map<String, Object> clientProperties;
  private final Path baseDirectory;
  private final Duration startupTime;
  private final ClusterSecurity security;

  /** The ids of the brokers stopped by {@link #stopBroker(int)}. Guarded by this. */
  private final java.util.Set<Integer> stopped = new java.util.HashSet<>();
  /** Guarded by this. */
  private boolean closed;

  private EmbeddedKafkaCluster(String name, KafkaClusterTestKit kit, int brokerId, String bootstrapServers,
      Map<String, Object> clientProperties, Duration startupTime, ClusterSecurity security) {
    this.name = name;
    this.kit = kit;
    this.brokerId = brokerId;
    this.bootstrapServers = bootstrapServers;
    this.clientProperties = clientProperties;
    this.baseDirectory = Paths.get(kit.nodes().baseDirectory());
    this.startupTime = startupTime;
    this.security = security;
  }

  /**
   * Starts a cluster with {@link #DEFAULT_BROKER_CONFIG} and returns once it answers metadata requests.
   *
   * @param name the cluster's alias, made of {@code [a-zA-Z0-9._-]}; used in logs and messages
   * @return the running cluster, owned by the caller
   * @throws IllegalArgumentException if {@code name} is empty or has other characters
   * @throws IllegalStateException if the cluster does not start within {@link #DEFAULT_READY_TIMEOUT}
   */
  public static EmbeddedKafkaCluster start(String name) {
    return start(name, Map.of());
  }

  /**
   * Starts a cluster with {@link #DEFAULT_BROKER_CONFIG} overridden by {@code brokerConfig}, and returns once
   * it answers metadata requests.
   *
   * @param name the cluster's alias, made of {@code [a-zA-Z0-9._-]}; used in logs and messages
   * @param brokerConfig broker properties (Kafka's own keys, such as {@code log.retention.ms}) that override
   *     or extend the defaults
   * @return the running cluster, owned by the caller
   * @throws IllegalArgumentException if {@code name} is empty or has other characters
   * @throws IllegalStateException if the cluster does not start within {@link #DEFAULT_READY_TIMEOUT}
   */
  public static EmbeddedKafkaCluster start(String name, Map<String, String> brokerConfig) {
    Objects.requireNonNull(brokerConfig, "brokerConfig");
    return start(name, brokerConfig, ClusterSecurity.PLAINTEXT, 1);
  }

  /**
   * Starts a plaintext cluster of {@code brokers} brokers with {@link #DEFAULT_BROKER_CONFIG}, so that topics can
   * have replicas and leaders can move: the first broker shares its node with the one controller; the others
   * are brokers only. {@link #bootstrapServers()} names every broker; {@link #stopBroker(int)} stops one.
   *
   * @param name the cluster's alias, made of {@code [a-zA-Z0-9._-]}; used in logs and messages
   * @param brokers how many brokers, 1 to 5
   * @return the running cluster, owned by the caller
   * @throws IllegalArgumentException if {@code brokers} is out of range or the name is illegal
   * @throws IllegalStateException if the cluster does not start within {@link #DEFAULT_READY_TIMEOUT}
   */
  public static EmbeddedKafkaCluster startWithBrokers(String name, int brokers) {
    if (brokers < 1 || brokers > 5) {
      throw new IllegalArgumentException("brokers must be 1 to 5, but was " + brokers);
    }
    return start(name, Map.of(), ClusterSecurity.PLAINTEXT, brokers);
  }

  /**
   * Starts a cluster whose client listener speaks {@code SASL_PLAINTEXT} with the {@code PLAIN} mechanism. The
   * users and their passwords are in the listener's JAAS configuration (no JVM-wide JAAS file is written).
   *
   * <pre>{@code
   * EmbeddedKafkaCluster c = EmbeddedKafkaCluster.startSaslPlain("source",
   *     Map.of("admin", "admin-pw", "mirror", "mirror-pw"), true, "admin");
   * Admin.create(c.clientProperties());            // the super user
   * Admin.create(c.clientProperties("mirror"));    // a user with no permission until ACLs grant some
   * }</pre>
   *
   * @param name the cluster's alias, made of {@code [a-zA-Z0-9._-]}
   * @param users user name to password; names made of {@code [a-zA-Z0-9._-]}, passwords without {@code "} or
   *     {@code \}; must contain {@code superUser}
   * @param aclsOn whether the broker enforces ACLs ({@code StandardAuthorizer}, nothing allowed without an
   *     ACL except to super users)
   * @param superUser the user of {@link #clientProperties()} and of the broker's own inter-broker client; a
   *     super user when ACLs are on
   * @return the running cluster, owned by the caller
   * @throws IllegalArgumentException if an argument breaks the rules above
   * @throws IllegalStateException if the cluster does not start within {@link #DEFAULT_READY_TIMEOUT}
   */
  public static EmbeddedKafkaCluster startSaslPlain(String name, Map<String, String> users, boolean aclsOn,
      String superUser) {
    return start(name, Map.of(), ClusterSecurity.saslPlain(users, aclsOn, superUser), 1);
  }

  /**
   * Starts a cluster whose client listener speaks {@code SASL_PLAINTEXT} with a SCRAM mechanism. The users'
   * credentials (4096 iterations) are written when the node is formatted, as {@code kafka-storage format
   * --add-scram} does; this method returns when the super user can log in. More users can be added later with
   * {@code Admin.alterUserScramCredentials} as the super user.
   *
   * @param name the cluster's alias, made of {@code [a-zA-Z0-9._-]}
   * @param mechanism {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}
   * @param users user name to password; names made of {@code [a-zA-Z0-9._-]}, passwords without {@code "} or
   *     {@code \}; must contain {@code superUser}
   * @param aclsOn whether the broker enforces ACLs ({@code StandardAuthorizer}, nothing allowed without an
   *     ACL except to super users)
   * @param superUser the user of {@link #clientProperties()} and of the broker's inter-broker client; a super
   *     user when ACLs are on
   * @return the running cluster, owned by the caller
   * @throws IllegalArgumentException if an argument breaks the rules above
   * @throws IllegalStateException if the cluster does not start within {@link #DEFAULT_READY_TIMEOUT}
   */
  public static EmbeddedKafkaCluster startSaslScram(String name, String mechanism, Map<String, String> users,
      boolean aclsOn, String superUser) {
    return start(name, Map.of(), ClusterSecurity.saslScram(mechanism, users, aclsOn, superUser), 1);
  }

  /**
   * Starts a cluster whose client listener speaks TLS ({@code SSL}), without ACLs. With client
   * authentication, {@link #clientProperties()} carries a certificate for the user {@code admin}.
   *
   * @param name the cluster's alias, made of {@code [a-zA-Z0-9._-]}
   * @param clientAuthRequired whether the broker requires a client certificate (mutual TLS)
   * @return the running cluster, owned by the caller
   * @throws IllegalStateException if {@code keytool} fails or the cluster does not start within
   *     {@link #DEFAULT_READY_TIMEOUT}
   * @see #startTls(String, boolean, boolean, String)
   */
  public static EmbeddedKafkaCluster startTls(String name, boolean clientAuthRequired) {
    return startTls(name, clientAuthRequired, false, "admin");
  }

  /**
   * Starts a cluster whose client listener speaks TLS ({@code SSL}). A throwaway CA, made with the JDK's
   * {@code keytool} in a temporary directory that {@link #close()} deletes, signs the broker's certificate
   * (valid for {@code 127.0.0.1} and {@code localhost}, so clients verify the host name) and, with client
   * authentication, one certificate per user, issued the first time {@link #clientProperties(String)} asks
   * for it (about 0.3 s). The broker maps the certificate {@code CN=alice} to the principal
   * {@code User:alice}, so ACLs name TLS users as they name SASL users. Its own certificate is
   * {@code CN=broker}.
   *
   * @param name the cluster's alias, made of {@code [a-zA-Z0-9._-]}
   * @param clientAuthRequired whether the broker requires a client certificate (mutual TLS)
   * @param aclsOn whether the broker enforces ACLs; needs {@code clientAuthRequired}, since without a
   *     certificate every client is {@code User:ANONYMOUS}
   * @param superUser the user of {@link #clientProperties()}; a super user when ACLs are on
   * @return the running cluster, owned by the caller
   * @throws IllegalArgumentException if {@code aclsOn} without {@code clientAuthRequired}, or a name is illegal
   * @throws IllegalStateException if {@code keytool} fails or the cluster does not start within
   *     {@link #DEFAULT_READY_TIMEOUT}
   */
  public static EmbeddedKafkaCluster startTls(String name, boolean clientAuthRequired, boolean aclsOn,
      String superUser) {
    return start(name, Map.of(), ClusterSecurity.tls(clientAuthRequired, aclsOn, superUser), 1);
  }

  private static EmbeddedKafkaCluster start(String name, Map<String, String> brokerConfig,
      ClusterSecurity security, int brokers) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(brokerConfig, "brokerConfig");
    if (!LEGAL_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be made of the characters [a-zA-Z0-9._-], but was '" + name + "'");
    }
    long startNanos = System.nanoTime();
    TestKitNodes.Builder nodesBuilder = new TestKitNodes.Builder()
        .setCombined(true)
        .setNumBrokerNodes(brokers)
        .setNumControllerNodes(1)
        .setBootstrapMetadataVersion(MetadataVersion.latestProduction());
    TestKitNodes nodes = nodesBuilder.build();
    if (brokers > 1) {
      // Nodes that are only brokers must not listen on the controller's listener, which the listeners below name.
      Map<Integer, Map<String, String>> perServer = new HashMap<>();
      for (int id : nodes.brokerNodes().keySet()) {
        if (!nodes.controllerNodes().containsKey(id)) {
          perServer.put(id, Map.of("listeners", nodes.brokerListenerName().value() + "://" + LOOPBACK + ":0"));
        }
      }
      nodes = nodesBuilder
          .setBaseDirectory(Paths.get(nodes.baseDirectory()))
          .setClusterId(nodes.clusterId())
          .setPerServerProperties(perServer)
          .build();
    }
    if (security.isScram()) {
      // The users' SCRAM credentials go into the bootstrap metadata the controller writes when it first starts,
      // as 'kafka-storage format --add-scram' does: the SCRAM listener admits nobody before, and the controller
      // listener does not serve alterUserScramCredentials. Same directory and cluster id, so nothing leaks.
      nodes = nodesBuilder
          .setBaseDirectory(Paths.get(nodes.baseDirectory()))
          .setClusterId(nodes.clusterId())
          .setBootstrapMetadata(security.withScramCredentials(nodes.bootstrapMetadata()))
          .build();
    }
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
    LoopbackSocketFactoryManager.install(builder);
    Map<String, String> config = new LinkedHashMap<>(DEFAULT_BROKER_CONFIG);
    // Port 0: the test kit hands each listener a socket it reserved beforehand (on 127.0.0.1, see
    // LoopbackSocketFactoryManager), and after a restart binds the same port again on the host named here.
    config.put("listeners", nodes.brokerListenerName().value() + "://" + LOOPBACK + ":0,"
        + nodes.controllerListenerName().value() + "://" + LOOPBACK + ":0");
    try {
      // The kit's nodes stay PLAINTEXT, so the kit adds no security settings (nor a JVM-wide JAAS file) of its
      // own; the protocol map below makes the client listener secure and leaves the controller's PLAINTEXT.
      security.open(name);
      config.putAll(security.brokerConfig(nodes.brokerListenerName().value(),
          nodes.controllerListenerName().value()));
    } catch (RuntimeException e) {
      security.close();
      throw e;
    }
    config.putAll(brokerConfig);
    config.forEach(builder::setConfigProp);

    KafkaClusterTestKit kit;
    try {
      kit = builder.build();
    } catch (Exception e) {
      security.close();
      throw new IllegalStateException("cannot configure embedded Kafka cluster '" + name + "': " + e, e);
    }
    try {
      kit.format();
      kit.startup();
      kit.waitForReadyBrokers();
      int brokerId = kit.brokers().keySet().stream().min(Integer::compare).orElseThrow();
      ListenerName listener = ListenerName.normalised(nodes.brokerListenerName().value());
      String bootstrapServers = kit.brokers().keySet().stream().sorted()
          .map(id -> LOOPBACK + ":" + kit.brokers().get(id).boundPort(listener))
          .collect(java.util.stream.Collectors.joining(","));
      Map<String, Object> clientProperties;
      if (security.protocol() == SecurityProtocol.PLAINTEXT) {
        clientProperties = Map.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, nodes.brokerListenerProtocol().name);
      } else {
        clientProperties = security.clientProperties(name, bootstrapServers, security.superUser());
        if (security.isScram()) {
          awaitLogin(name, clientProperties, startNanos);
        }
      }
      awaitReady(name, clientProperties, DEFAULT_READY_TIMEOUT);
      Duration startupTime = Duration.ofNanos(System.nanoTime() - startNanos);
      log.info("Started embedded Kafka cluster '{}' at {}{} in {} ms", name, bootstrapServers,
          security.protocol() == SecurityProtocol.PLAINTEXT ? "" : " (" + security + ")", startupTime.toMillis());
      return new EmbeddedKafkaCluster(name, kit, brokerId, bootstrapServers, clientProperties, startupTime,
          security);
    } catch (InterruptedException e) {
      closeAfterFailedStart(name, kit);
      security.close();
      throw new InterruptException(e);
    } catch (Exception e) {
      closeAfterFailedStart(name, kit);
      security.close();
      throw new IllegalStateException("cannot start embedded Kafka cluster '" + name + "': " + e, e);
    }
  }

  /**
   * Waits until the super user can log in: the broker learns the SCRAM credentials from the metadata log a
   * moment after the controller stored them, and refuses the login until then.
   */
  private static void awaitLogin(String name, Map<String, Object> clientProperties, long startNanos)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = startNanos + DEFAULT_READY_TIMEOUT.toNanos();
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "mirror-test-" + name + "-login");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    for (int attempt = 1; attempt <= 600; attempt++) {
      try (Admin admin = Admin.create(props)) {
        admin.describeCluster().clusterId().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof SaslAuthenticationException) || System.nanoTime() >= deadline) {
          throw e;
        }
        log.debug("cluster '{}' does not know the SCRAM credentials yet (attempt {})", name, attempt);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("cluster '" + name + "': the super user cannot log in with SCRAM after "
        + DEFAULT_READY_TIMEOUT);
  }

  @Override
  public String name() {
    return name;
  }

  /** Returns {@code 127.0.0.1:<port>}; the port stays the same across {@link #restartBroker()}. */
  @Override
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Returns {@code bootstrap.servers} and {@code security.protocol=PLAINTEXT}; for a secure cluster, the
   * settings of its super user as well: {@code sasl.mechanism} and {@code sasl.jaas.config}, or the
   * {@code ssl.truststore.*} (and, with client authentication, {@code ssl.keystore.*} and
   * {@code ssl.key.password}) settings, with PKCS12 stores.
   */
  @Override
  public Map<String, Object> clientProperties() {
    return clientProperties;
  }

  /**
   * Returns the properties a client needs to connect as {@code user}: {@code bootstrap.servers},
   * {@code security.protocol} and the user's SASL or TLS settings. On a mutual-TLS cluster the first call for
   * a user issues its certificate ({@code CN=<user>}, principal {@code User:<user>}); any legal name works.
   *
   * @param user a user given at start (SASL), any name of {@code [a-zA-Z0-9._-]} (mutual TLS), or the super user
   * @return an immutable map of Kafka client properties
   * @throws IllegalArgumentException if the cluster does not authenticate clients (PLAINTEXT, or TLS without
   *     client authentication) and {@code user} is not the super user, or if a SASL cluster has no such user
   * @throws IllegalStateException if the cluster is closed
   */
  public Map<String, Object> clientProperties(String user) {
    Objects.requireNonNull(user, "user");
    synchronized (this) {
      checkNotClosed("get client properties of");
    }
    if (security.protocol() == SecurityProtocol.PLAINTEXT) {
      throw new IllegalArgumentException("cluster '" + name + "' does not authenticate clients (security "
          + "protocol PLAINTEXT), so it has no user '" + user + "'; use clientProperties()");
    }
    if (user.equals(security.superUser())) {
      return clientProperties;
    }
    return security.clientProperties(name, bootstrapServers, user);
  }

  /**
   * Returns the security protocol of the client listener.
   *
   * @return {@code PLAINTEXT}, {@code SASL_PLAINTEXT} or {@code SSL}
   */
  public String securityProtocol() {
    return security.protocol().name;
  }

  /**
   * Returns how long {@link #start} took, from configuring the node to the first answered metadata request.
   *
   * @return the start-up time
   */
  public Duration startupTime() {
    return startupTime;
  }

  /** The directory holding the node's metadata and logs; deleted by {@link #close()}. For tests of this class. */
  Path dataDirectory() {
    return baseDirectory;
  }

  /**
   * Stops the broker role with a controlled shutdown (about 0.2 s); the controller role keeps running.
   * Does nothing if the broker is already stopped. In a cluster of several brokers this is the first one.
   *
   * @throws IllegalStateException if the cluster is closed
   */
  @Override
  public void stopBroker() {
    stopBroker(brokerId);
  }

  /**
   * Stops the broker {@code id} with a controlled shutdown: the partitions it led get other leaders among their
   * in-sync replicas. Does nothing if it is already stopped.
   *
   * @param id one of {@link #brokerIds()}
   * @throws IllegalArgumentException if there is no such broker
   * @throws IllegalStateException if the cluster is closed
   */
  public synchronized void stopBroker(int id) {
    checkNotClosed(id == brokerId ? "stop the broker of" : "stop broker " + id + " of");
    if (stopped.contains(id)) {
      return;
    }
    long startNanos = System.nanoTime();
    broker(id).shutdown();
    stopped.add(id);
    log.info("Stopped broker {} of embedded Kafka cluster '{}' in {} ms",
        id, name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }

  /**
   * Starts the broker role again on the same port and returns once it is registered, unfenced, answers
   * metadata requests and every partition has a leader. Does nothing if the broker is running. In a cluster of
   * several brokers this is the first one.
   *
   * @throws IllegalStateException if the cluster is closed, or the broker is not ready within
   *     {@link #DEFAULT_READY_TIMEOUT}
   */
  @Override
  public void startBroker() {
    startBroker(brokerId);
  }

  /**
   * Starts the broker {@code id} again on the same port, as {@link #startBroker()} does.
   *
   * @param id one of {@link #brokerIds()}
   * @throws IllegalArgumentException if there is no such broker
   * @throws IllegalStateException if the cluster is closed, or the broker is not ready within
   *     {@link #DEFAULT_READY_TIMEOUT}
   */
  public synchronized void startBroker(int id) {
    checkNotClosed(id == brokerId ? "start the broker of" : "start broker " + id + " of");
    if (!stopped.contains(id)) {
      return;
    }
    long startNanos = System.nanoTime();
    try {
      broker(id).startup();
      stopped.remove(id);
      kit.waitForReadyBrokers();
      awaitReady(name, clientProperties, DEFAULT_READY_TIMEOUT);
    } catch (InterruptedException e) {
      throw new InterruptException(e);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot start broker " + id + " of embedded Kafka cluster '" + name + "' again: " + e, e);
    }
    log.info("Started broker {} of embedded Kafka cluster '{}' again in {} ms",
        id, name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }

  /** Returns the ids of the cluster's brokers, in order. */
  public java.util.List<Integer> brokerIds() {
    return kit.brokers().keySet().stream().sorted().toList();
  }

  /**
   * Shuts the node down and deletes its data directory. Idempotent.
   *
   * @throws IllegalStateException if the broker reported a fault while it ran or could not shut down; the
   *     data directory is deleted anyway
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      kit.close();
    } catch (InterruptedException e) {
      throw new InterruptException(e);
    } catch (Exception e) {
      throw new IllegalStateException("embedded Kafka cluster '" + name + "' did not close cleanly: " + e, e);
    } finally {
      deleteRecursively(baseDirectory);
      security.close();
      log.info("Closed embedded Kafka cluster '{}'", name);
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafkaCluster{name=" + name + ", bootstrapServers=" + bootstrapServers
        + (security.protocol() == SecurityProtocol.PLAINTEXT ? "" : ", security=" + security) + "}";
  }

  private BrokerServer broker(int id) {
    BrokerServer broker = kit.brokers().get(id);
    if (broker == null) {
      throw new IllegalArgumentException("embedded Kafka cluster '" + name + "' has no broker " + id
          + "; its brokers are " + brokerIds());
    }
    return broker;
  }

  private void checkNotClosed(String action) {
    if (closed) {
      throw new IllegalStateException(
          "cannot " + action + " embedded Kafka cluster '" + name + "': it is closed; start a new one");
    }
  }

  /**
   * Waits until the broker answers a metadata request and every partition of every topic has a leader, so
   * that a test may produce right after a restart without waiting for leader elections itself.
   */
  private static void awaitReady(String name, Map<String, Object> clientProperties, Duration timeout)
      throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "mirror-test-" + name + "-ready");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
    try (Admin admin = Admin.create(props)) {
      Collection<Node> nodes = admin.describeCluster(
              new DescribeClusterOptions().timeoutMs((int) remainingMillis(deadline)))
          .nodes().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
      if (nodes.isEmpty()) {
        throw new IllegalStateException("cluster '" + name + "' answered a metadata request with no broker");
      }
      List<String> leaderless = List.of();
      for (int attempt = 0; attempt < 1_000; attempt++) {
        leaderless = leaderlessPartitions(admin, deadline);
        if (leaderless.isEmpty()) {
          return;
        }
        if (remainingMillis(deadline) <= 100) {
          break;
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("cluster '" + name + "': partitions without a leader after "
          + timeout + ": " + leaderless);
    } catch (TimeoutException e) {
      throw new IllegalStateException("cluster '" + name + "' did not answer a metadata request within "
          + timeout, e);
    }
  }

  private static List<String> leaderlessPartitions(Admin admin, long deadline)
      throws InterruptedException, ExecutionException, TimeoutException {
    Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true))
        .listings().get(remainingMillis(deadline), TimeUnit.MILLISECONDS)
        .stream().map(TopicListing::name).collect(Collectors.toSet());
    if (topics.isEmpty()) {
      return List.of();
    }
    Map<String, TopicDescription> descriptions;
    try {
      descriptions = admin.describeTopics(topics).allTopicNames()
          .get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        // A topic was deleted, or is not yet in the broker's metadata: look again.
        return List.of("(topics changing: " + e.getCause().getMessage() + ")");
      }
      throw e;
    }
    return descriptions.values().stream()
        .flatMap(d -> d.partitions().stream()
            .filter(p -> p.leader() == null || p.leader().isEmpty())
            .map((TopicPartitionInfo p) -> d.name() + "-" + p.partition()))
        .sorted()
        .toList();
  }

  private static long remainingMillis(long deadlineNanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }

  private static void closeAfterFailedStart(String name, KafkaClusterTestKit kit) {
    try {
      kit.close();
    } catch (Exception e) {
      log.warn("Could not close embedded Kafka cluster '{}' after a failed start", name, e);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    } finally {
      deleteRecursively(Paths.get(kit.nodes().baseDirectory()));
    }
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
      log.warn("Could not delete the data directory {} of an embedded Kafka cluster", dir, e);
    }
  }

  private static Map<String, String> defaultBrokerConfig() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("offsets.topic.replication.factor", "1");
    config.put("offsets.topic.num.partitions", "4");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("transaction.state.log.num.partitions", "4");
    config.put("share.coordinator.state.topic.replication.factor", "1");
    config.put("share.coordinator.state.topic.min.isr", "1");
    config.put("share.coordinator.state.topic.num.partitions", "4");
    config.put("group.initial.rebalance.delay.ms", "0");
    config.put("auto.create.topics.enable", "false");
    config.put("default.replication.factor", "1");
    config.put("min.insync.replicas", "1");
    config.put("num.partitions", "1");
    // A restarted broker cannot register again until the controller has expired the session of its previous
    // incarnation (DUPLICATE_BROKER_REGISTRATION): 3 s instead of 9 s makes startBroker() that much faster.
    config.put("broker.session.timeout.ms", "3000");
    config.put("broker.heartbeat.interval.ms", "500");
    // The test kit turns these on for Kafka's own tests; Mirror's tests want the broker as released.
    config.put("unstable.api.versions.enable", "false");
    config.put("unstable.feature.versions.enable", "false");
    return Map.copyOf(config);
  }
}
