package dev.mirror.testing;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.PreboundSocketFactoryManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes {@link KafkaClusterTestKit} bind its listener sockets to {@code 127.0.0.1} instead of every interface.
 *
 * <p>The test kit reserves each listener's port before the node starts by binding a socket to port 0 of the
 * wildcard address, and hands that socket to the node's listener; a restarted listener binds the same port
 * again on the host of its {@code listeners} entry. This subclass binds the reserved sockets to the loopback
 * address instead, so no broker of a test is reachable from the network. The kit offers no setting for it,
 * so {@link #install} replaces the builder's private manager by reflection; if a later Kafka version renames
 * the field, the cluster still works and listens on every interface, as the kit does by default.
 *
 * <p>Thread-safe: every method is synchronized, as in the superclass.
 */
final class LoopbackSocketFactoryManager extends PreboundSocketFactoryManager {

  private static final Logger log = LoggerFactory.getLogger(LoopbackSocketFactoryManager.class);
  private static final String FIELD = "socketFactoryManager";

  /** Reserved sockets by node id and listener name. Guarded by this. */
  private final Map<Integer, Map<String, ServerSocketChannel>> sockets = new HashMap<>();
  /** Listeners whose socket a node took over (and will close itself), by node id. Guarded by this. */
  private final Map<Integer, Set<String>> used = new HashMap<>();
  /** Guarded by this. */
  private boolean closed;

  /**
   * Replaces the socket manager of {@code builder}, which must not have built a cluster yet.
   *
   * @return true if the listeners will be bound to loopback, false if the kit's default stays in place
   */
  static boolean install(KafkaClusterTestKit.Builder builder) {
    try {
      Field field = KafkaClusterTestKit.Builder.class.getDeclaredField(FIELD);
      field.setAccessible(true);
      if (!PreboundSocketFactoryManager.class.isAssignableFrom(field.getType())) {
        throw new NoSuchFieldException(FIELD + " has type " + field.getType().getName());
      }
      field.set(builder, new LoopbackSocketFactoryManager());
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("Cannot bind the embedded Kafka listeners to 127.0.0.1, they listen on every interface: {}",
          e.toString());
      return false;
    }
  }

  @Override
  public synchronized @Nullable ServerSocketChannel getSocketForListenerAndMarkAsUsed(int nodeId, String listener) {
    Map<String, ServerSocketChannel> forNode = sockets.get(nodeId);
    ServerSocketChannel socket = forNode == null ? null : forNode.get(listener);
    if (socket != null) {
      used.computeIfAbsent(nodeId, id -> new HashSet<>()).add(listener);
    }
    return socket;
  }

  @Override
  public synchronized int getOrCreatePortForListener(int nodeId, String listener) throws IOException {
    Map<String, ServerSocketChannel> forNode = sockets.computeIfAbsent(nodeId, id -> new HashMap<>());
    ServerSocketChannel socket = forNode.get(listener);
    if (socket == null) {
      if (closed) {
        throw new IllegalStateException("cannot reserve a port for listener '" + listener + "' of node "
            + nodeId + ": the socket manager is closed");
      }
      socket = ServerSocketChannel.open();
      try {
        socket.configureBlocking(false);
        socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0));
      } catch (IOException | RuntimeException e) {
        socket.close();
        throw e;
      }
      forNode.put(listener, socket);
    }
    return ((InetSocketAddress) socket.getLocalAddress()).getPort();
  }

  /** Closes the reserved sockets no node took over; the nodes close theirs. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    sockets.forEach((nodeId, forNode) -> forNode.forEach((listener, socket) -> {
      if (!used.getOrDefault(nodeId, Set.of()).contains(listener)) {
        try {
          socket.close();
        } catch (IOException e) {
          log.debug("Cannot close the reserved socket of listener {} of node {}", listener, nodeId, e);
        }
      }
    }));
  }
}
