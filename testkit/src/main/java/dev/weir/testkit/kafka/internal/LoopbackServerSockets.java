package dev.weir.testkit.kafka.internal;

import org.apache.kafka.server.ServerSocketFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Server sockets for the embedded broker, bound to 127.0.0.1 only.
 *
 * <p>A KRaft node must know its controller port before it starts (the port is part of
 * {@code controller.quorum.voters}), so the sockets are bound first, on free ephemeral ports,
 * and handed to the broker's socket server when it asks for the listener by name. Binding
 * before configuring leaves no window in which another process could take the port.
 */
final class LoopbackServerSockets implements ServerSocketFactory, AutoCloseable {

    static final String HOST = "127.0.0.1";

    private static final InetAddress LOOPBACK = loopback();

    private final Map<String, ServerSocketChannel> bound = new HashMap<>();

    /**
     * Binds a socket for a listener on a free port of 127.0.0.1.
     *
     * @return the bound port
     */
    synchronized int bind(String listenerName) throws IOException {
        return bind(listenerName, 0);
    }

    /**
     * Binds a socket for a listener on {@code port} of 127.0.0.1 (0: a free one), with
     * {@code SO_REUSEADDR}, so that a restarted broker gets its old port back while connections
     * to its former self linger in TIME_WAIT.
     *
     * @return the bound port
     * @throws IOException when the port is taken
     */
    synchronized int bind(String listenerName, int port) throws IOException {
        if (bound.containsKey(listenerName)) {
            throw new IllegalStateException("listener " + listenerName + " is already bound");
        }
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.configureBlocking(false);
            channel.bind(new InetSocketAddress(LOOPBACK, port));
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot bind listener " + listenerName + " to " + HOST + ":" + port + ": " + e.getMessage(), e);
        }
        bound.put(listenerName, channel);
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /**
     * Hands the pre-bound socket of a listener to the caller, which owns it from then on.
     * A listener that was not pre-bound gets a new socket, on a loopback address only.
     */
    @Override
    public synchronized ServerSocketChannel openServerSocket(String listenerName, InetSocketAddress address,
                                                            int sendBufferSize, int receiveBufferSize)
            throws IOException {
        ServerSocketChannel channel = bound.remove(listenerName);
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        if (address.getAddress() == null || !address.getAddress().isLoopbackAddress()) {
            throw new IOException("the embedded Kafka broker binds to loopback addresses only; refusing to bind "
                    + listenerName + " to " + address);
        }
        return ServerSocketFactory.INSTANCE.openServerSocket(listenerName, address, sendBufferSize, receiveBufferSize);
    }

    /** Closes the sockets that were bound but never handed over. */
    @Override
    public synchronized void close() {
        List<IOException> failures = new ArrayList<>();
        for (ServerSocketChannel channel : bound.values()) {
            try {
                channel.close();
            } catch (IOException e) {
                failures.add(e);
            }
        }
        bound.clear();
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("could not close a pre-bound server socket");
            failures.forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(HOST, new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
