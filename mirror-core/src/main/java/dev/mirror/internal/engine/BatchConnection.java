package dev.mirror.internal.engine;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.ApiVersions;
import org.apache.kafka.clients.ClientDnsLookup;
import org.apache.kafka.clients.ClientRequest;
import org.apache.kafka.clients.ClientResponse;
import org.apache.kafka.clients.ClientUtils;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.ManualMetadataUpdater;
import org.apache.kafka.clients.MetadataRecoveryStrategy;
import org.apache.kafka.clients.NetworkClient;
import org.apache.kafka.clients.RequestCompletionHandler;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.network.ChannelBuilder;
import org.apache.kafka.common.network.Selector;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.utils.LogContext;
import org.apache.kafka.common.utils.Time;
import org.jspecify.annotations.Nullable;

/**
 * Connections to one cluster speaking the Kafka protocol directly, for batch copy: kafka-clients' own network
 * client, with the channel builder its clients use, so the client config's security settings (TLS, mTLS, SASL)
 * apply as they do to a consumer or producer. One thread uses it; {@link #wakeup} may be called from any.
 */
final class BatchConnection implements AutoCloseable {
  /**
   * The kafka-clients versions batch copy was built and tested with: it uses classes outside the clients' public
   * API, so with another version on the class path a flow copies records instead.
   */
  static final String TESTED_CLIENTS = "4.3.";

  /** Returns why the kafka-clients on the class path cannot be used for batch copy, or null. */
  static @Nullable String unsupportedClients() {
    String version = org.apache.kafka.common.utils.AppInfoParser.getVersion();
    return version.startsWith(TESTED_CLIENTS) ? null : "batch copy is built for kafka-clients " + TESTED_CLIENTS
        + "x, and this application has kafka-clients " + version;
  }

  /** Requests in flight per broker: five keeps an idempotent writer's batches in order, as in the producer. */
  static final int MAX_IN_FLIGHT = 5;

  private final NetworkClient client;
  private final ManualMetadataUpdater nodes;
  private final Metrics metrics;
  private final String cluster;
  private final long requestTimeoutMs;
  private volatile boolean stopping;

  /**
   * Opens nothing yet: connections are made on first use.
   *
   * @param config the consumer or producer config whose bootstrap servers and security settings apply
   * @param cluster how messages name the cluster, such as {@code source cluster 'a'}
   */
  BatchConnection(AbstractConfig config, String clientId, String cluster) {
    this.cluster = cluster;
    LogContext logContext = new LogContext("[" + clientId + "] ");
    List<InetSocketAddress> addresses = ClientUtils.parseAndValidateAddresses(
        config.getList(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG),
        ClientDnsLookup.forConfig(config.getString(CommonClientConfigs.CLIENT_DNS_LOOKUP_CONFIG)));
    List<Node> bootstrap = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      InetSocketAddress a = addresses.get(i);
      bootstrap.add(new Node(-1 - i, a.getHostString(), a.getPort()));
    }
    this.nodes = new ManualMetadataUpdater(bootstrap);
    this.metrics = new Metrics();
    this.requestTimeoutMs = config.getInt(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG);
    ChannelBuilder channels = ClientUtils.createChannelBuilder(config, Time.SYSTEM, logContext);
    Selector selector = new Selector(config.getLong(CommonClientConfigs.CONNECTIONS_MAX_IDLE_MS_CONFIG), metrics,
        Time.SYSTEM, "mirror-batch", channels, logContext);
    this.client = new NetworkClient(selector, nodes, clientId, MAX_IN_FLIGHT,
        config.getLong(CommonClientConfigs.RECONNECT_BACKOFF_MS_CONFIG),
        config.getLong(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG),
        config.getInt(CommonClientConfigs.SEND_BUFFER_CONFIG), config.getInt(CommonClientConfigs.RECEIVE_BUFFER_CONFIG),
        (int) requestTimeoutMs, config.getLong(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG),
        config.getLong(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG), Time.SYSTEM, true,
        new ApiVersions(), logContext, MetadataRecoveryStrategy.NONE);
  }

  String cluster() {
    return cluster;
  }

  long requestTimeoutMs() {
    return requestTimeoutMs;
  }

  /**
   * Asks for the metadata of {@code topics} and learns the cluster's brokers from the answer.
   *
   * @throws TimeoutException when no broker answered within the request timeout
   */
  MetadataResponse metadata(Collection<String> topics) {
    ClientResponse r = call(null, new MetadataRequest.Builder(new ArrayList<>(topics), false), "metadata");
    MetadataResponse m = (MetadataResponse) r.responseBody();
    if (!m.brokers().isEmpty()) {
      nodes.setNodes(new ArrayList<>(m.brokers()));
    }
    return m;
  }

  /**
   * Sends one request and waits for its answer, up to the request timeout.
   *
   * @param node the broker, or null for any broker
   * @throws TimeoutException when no answer came in time
   * @throws DisconnectException when the broker closed the connection
   * @throws AuthenticationException when the broker refused the credentials
   */
  ClientResponse call(@Nullable Node node, AbstractRequest.Builder<?> request, String what) {
    long deadline = System.currentTimeMillis() + requestTimeoutMs;
    Node target = node;
    ClientResponse[] answer = new ClientResponse[1];
    boolean sent = false;
    // Bounded by the deadline; each round polls the network at most 100 ms.
    while (answer[0] == null) {
      if (stopping) {
        throw new org.apache.kafka.common.KafkaException("closing the connections to " + cluster);
      }
      long now = System.currentTimeMillis();
      if (now >= deadline) {
        throw new TimeoutException("no answer to a " + what + " request from " + cluster + " within "
            + requestTimeoutMs + " ms; check that it is up and reachable at its bootstrap.servers");
      }
      if (target == null) {
        target = client.leastLoadedNode(now).node();
      }
      if (!sent && target != null) {
        if (client.ready(target, now)) {
          client.send(client.newClientRequest(target.idString(), request, now, true, (int) requestTimeoutMs,
              r -> answer[0] = r), now);
          sent = true;
        } else {
          AuthenticationException denied = client.authenticationException(target);
          if (denied != null) {
            throw denied;
          }
          if (node == null && client.connectionFailed(target)) {
            target = null; // try another broker
          }
        }
      }
      poll(sent ? 100 : 20);
    }
    ClientResponse r = answer[0];
    if (r.wasDisconnected() || r.responseBody() == null) {
      throw new DisconnectException("the connection to " + cluster + " broker " + r.destination()
          + " closed before it answered a " + what + " request");
    }
    if (r.versionMismatch() != null) {
      throw new BatchCopyUnsupportedException(cluster + " does not support the " + what + " request versions"
          + " batch copy needs: " + r.versionMismatch().getMessage());
    }
    return r;
  }

  /**
   * Learns the cluster's brokers and starts connecting to each, so that the first requests to a partition's leader
   * need not wait for a connection: does network I/O until every broker is ready, {@code maxWaitMs} passed, or
   * {@code enough} says so. Best effort: what fails here is left for the requests that follow to meet and report.
   */
  void connectEarly(long maxWaitMs, java.util.function.BooleanSupplier enough) {
    long deadline = System.currentTimeMillis() + maxWaitMs;
    MetadataResponse[] answer = new MetadataResponse[1];
    boolean sent = false;
    List<Node> brokers = null;
    // Bounded by the deadline; each round polls the network at most 10 ms.
    while (!stopping && !enough.getAsBoolean()) {
      long now = System.currentTimeMillis();
      if (now >= deadline) {
        return;
      }
      if (brokers == null && answer[0] != null) {
        brokers = new ArrayList<>(answer[0].brokers());
        if (!brokers.isEmpty()) {
          nodes.setNodes(new ArrayList<>(brokers));
        }
      }
      if (brokers == null && !sent) {
        Node any = client.leastLoadedNode(now).node();
        if (any != null && client.ready(any, now)) {
          client.send(client.newClientRequest(any.idString(), new MetadataRequest.Builder(new ArrayList<>(), false),
              now, true, (int) requestTimeoutMs, r -> {
                if (r.responseBody() instanceof MetadataResponse m) {
                  answer[0] = m;
                }
              }), now);
          sent = true;
        }
      }
      if (brokers != null) {
        boolean all = true;
        for (Node n : brokers) {
          all &= client.ready(n, now);
        }
        if (all) {
          return;
        }
      }
      poll(10);
    }
  }

  /**
   * Returns whether a request can be sent to {@code node} now, starting to connect if needed.
   *
   * @throws AuthenticationException when the broker refused the credentials
   */
  boolean readyOrDenied(Node node) {
    if (client.ready(node, System.currentTimeMillis())) {
      return true;
    }
    AuthenticationException denied = client.authenticationException(node);
    if (denied != null) {
      throw denied;
    }
    return false;
  }

  /** Sends a request without waiting; {@code handler} runs in a later {@link #poll}. */
  void send(Node node, AbstractRequest.Builder<?> request, RequestCompletionHandler handler) {
    long now = System.currentTimeMillis();
    ClientRequest r = client.newClientRequest(node.idString(), request, now, true, (int) requestTimeoutMs, handler);
    client.send(r, now);
  }

  /** Does network I/O for up to {@code timeoutMs}, running the handlers of completed requests. */
  void poll(long timeoutMs) {
    client.poll(timeoutMs, System.currentTimeMillis());
  }

  int inFlight(Node node) {
    return client.inFlightRequestCount(node.idString());
  }

  int inFlight() {
    return client.inFlightRequestCount();
  }

  /** Returns whether the last attempt to connect to {@code node} failed. */
  boolean connectionFailed(Node node) {
    return client.connectionFailed(node);
  }

  /** Ends a {@link #call} in progress and refuses new ones, from any thread; {@link #close} still closes. */
  void stop() {
    stopping = true;
    client.wakeup();
  }

  /** Ends a {@link #poll} in progress, from any thread. */
  void wakeup() {
    client.wakeup();
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (Exception e) {
      // closing sockets only
    }
    metrics.close();
  }

  /** The leaders and topic ids a metadata answer gave. */
  record Leaders(Map<TopicPartition, Node> leaders, Map<String, Uuid> topicIds) {}

  /**
   * Asks for the leaders and ids of {@code topics}; a topic or partition without them is left out.
   *
   * @throws TopicAuthorizationException when Mirror may not describe one of them
   */
  Leaders leaders(Collection<String> topics) {
    MetadataResponse m = metadata(topics);
    Map<Integer, Node> brokers = m.brokersById();
    Map<TopicPartition, Node> leaders = new HashMap<>();
    Map<String, Uuid> ids = new HashMap<>();
    for (MetadataResponse.TopicMetadata t : m.topicMetadata()) {
      if (t.error() == Errors.TOPIC_AUTHORIZATION_FAILED) {
        throw new TopicAuthorizationException(Set.of(t.topic()));
      }
      if (t.topicId() != null && !Uuid.ZERO_UUID.equals(t.topicId())) {
        ids.put(t.topic(), t.topicId());
      }
      for (MetadataResponse.PartitionMetadata pm : t.partitionMetadata()) {
        Node leader = pm.leaderId.map(brokers::get).orElse(null);
        if (leader != null) {
          leaders.put(pm.topicPartition, leader);
        }
      }
    }
    return new Leaders(leaders, ids);
  }
}
