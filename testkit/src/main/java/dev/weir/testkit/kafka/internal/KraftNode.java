package dev.weir.testkit.kafka.internal;

import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import kafka.server.FaultHandlerFactory;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.SharedServer;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.raft.QuorumConfig;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.server.fault.LoggingFaultHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import scala.Tuple2;

/**
 * One KRaft node in combined mode (broker and controller in this JVM), assembled the way
 * Kafka's own {@code KafkaClusterTestKit} does it, with two differences: every socket is bound
 * to 127.0.0.1, and a fatal fault is logged instead of halting the JVM.
 *
 * <p>Internal to the testkit: use {@link dev.weir.testkit.kafka.EmbeddedKafka}.
 */
public final class KraftNode implements AutoCloseable {

    /** Configuration keys this class sets itself; a caller cannot override them. */
    public static final Set<String> RESERVED_CONFIGS = Set.of(
            "process.roles", "node.id", "broker.id",
            "listeners", "advertised.listeners", "listener.security.protocol.map",
            "inter.broker.listener.name", "security.inter.broker.protocol", "controller.listener.names",
            "controller.quorum.voters", "controller.quorum.bootstrap.servers",
            "log.dir", "log.dirs", "metadata.log.dir", "sasl.enabled.mechanisms", "sasl.mechanism.inter.broker.protocol");

    private static final Logger LOG = LoggerFactory.getLogger(KraftNode.class);

    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String SASL_LISTENER = "SASL_PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final LoopbackServerSockets sockets;
    private final Metrics metrics;
    private final ControllerServer controller;
    private final BrokerServer broker;
    private final int brokerPort;
    private final int controllerPort;

    private KraftNode(LoopbackServerSockets sockets, Metrics metrics, ControllerServer controller,
                      BrokerServer broker, int brokerPort, int controllerPort) {
        this.sockets = sockets;
        this.metrics = metrics;
        this.controller = controller;
        this.broker = broker;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
    }

    /**
     * Formats the two directories and starts the node; returns once the broker is unfenced and
     * serves requests. On failure everything started so far is stopped again; the directories
     * are left to the caller.
     *
     * @param metadataDir an empty directory for the cluster metadata log
     * @param logDir      an empty directory for topic partitions
     * @param brokerConfig broker configuration, none of the {@link #RESERVED_CONFIGS} among it
     */
    public static KraftNode start(Path metadataDir, Path logDir, Map<String, String> brokerConfig) throws Exception {
        return start(metadataDir, logDir, brokerConfig, 0, 0, true, null);
    }

    /**
     * {@link #start(Path, Path, Map)} with the client listener on SASL_PLAINTEXT, mechanism PLAIN,
     * accepting {@code users} (name to password); the broker talks to itself as the first of them.
     */
    public static KraftNode start(Path metadataDir, Path logDir, Map<String, String> brokerConfig, Map<String, String> users)
            throws Exception {
        return start(metadataDir, logDir, brokerConfig, 0, 0, true, users);
    }

    /**
     * Starts the node again on the directories and ports of a node that was {@link #close closed}:
     * its topics, offsets and transactions are where it left them.
     */
    public static KraftNode restart(Path metadataDir, Path logDir, Map<String, String> brokerConfig, int controllerPort,
                                    int brokerPort, Map<String, String> users) throws Exception {
        return start(metadataDir, logDir, brokerConfig, controllerPort, brokerPort, false, users);
    }

    private static KraftNode start(Path metadataDir, Path logDir, Map<String, String> brokerConfig, int controllerPortWanted,
                                   int brokerPortWanted, boolean format, Map<String, String> users) throws Exception {
        LoopbackServerSockets sockets = new LoopbackServerSockets();
        Metrics metrics = null;
        ControllerServer controller = null;
        BrokerServer broker = null;
        try {
            int controllerPort = sockets.bind(CONTROLLER_LISTENER, controllerPortWanted);
            int brokerPort = sockets.bind(users == null ? BROKER_LISTENER : SASL_LISTENER, brokerPortWanted);
            KafkaConfig config = new KafkaConfig(
                    nodeConfig(brokerConfig, metadataDir, logDir, controllerPort, brokerPort, users), false);
            if (format) {
                format(metadataDir, logDir);
            }

            Tuple2<MetaPropertiesEnsemble, BootstrapMetadata> directories =
                    KafkaRaftServer.initializeLogDirs(config, LOG, "[EmbeddedKafka] ");
            metrics = new Metrics();
            FaultHandlerFactory faultHandlers = (name, fatal, action) -> new LoggingFaultHandler(name, action);
            SharedServer shared = new SharedServer(
                    config,
                    directories._1(),
                    Time.SYSTEM,
                    metrics,
                    CompletableFuture.completedFuture(
                            QuorumConfig.parseVoterConnections(config.quorumConfig().voters())),
                    QuorumConfig.parseBootstrapServers(config.quorumConfig().bootstrapServers()),
                    faultHandlers,
                    sockets);
            controller = new ControllerServer(shared, KafkaRaftServer.configSchema(), directories._2());
            broker = new BrokerServer(shared);
            // The same order as KafkaRaftServer: the broker registers with the running controller.
            controller.startup();
            broker.startup();
            return new KraftNode(sockets, metrics, controller, broker, brokerPort, controllerPort);
        } catch (Exception | Error e) {
            stop(broker, controller, metrics, sockets, e);
            throw e;
        }
    }

    /** The port of the broker's client listener on 127.0.0.1. */
    public int brokerPort() {
        return brokerPort;
    }

    /** The port of the controller's listener on 127.0.0.1. */
    public int controllerPort() {
        return controllerPort;
    }

    /** Shuts the broker down (controlled), then the controller, and releases the sockets. */
    @Override
    public void close() {
        RuntimeException failure = new IllegalStateException("the embedded Kafka node did not stop cleanly");
        stop(broker, controller, metrics, sockets, failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private static Map<String, Object> nodeConfig(Map<String, String> brokerConfig, Path metadataDir, Path logDir,
                                                  int controllerPort, int brokerPort, Map<String, String> users) {
        String host = LoopbackServerSockets.HOST;
        String listener = users == null ? BROKER_LISTENER : SASL_LISTENER;
        Map<String, Object> props = new HashMap<>(brokerConfig);
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
        props.put("listeners", listener + "://" + host + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
        props.put("advertised.listeners", listener + "://" + host + ":" + brokerPort);
        props.put("listener.security.protocol.map", listener + ":" + listener + "," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", listener);
        if (users != null) {
            Map.Entry<String, String> self = users.entrySet().iterator().next();
            StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required")
                    .append(" username=\"").append(self.getKey()).append("\" password=\"").append(self.getValue()).append('"');
            users.forEach((u, p) -> jaas.append(" user_").append(u).append("=\"").append(p).append('"'));
            props.put("sasl.enabled.mechanisms", "PLAIN");
            props.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            props.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", new org.apache.kafka.common.config.types.Password(
                    jaas.append(';').toString()));
        }
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("metadata.log.dir", metadataDir.toString());
        props.put("log.dirs", logDir.toString());
        return props;
    }

    private static void format(Path metadataDir, Path logDir) throws Exception {
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(metadataDir.toString(), logDir.toString()))
                .setMetadataLogDirectory(metadataDir.toString())
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .run();
    }

    /** Stops whatever is not null, adding each failure to {@code failures} as suppressed. */
    private static void stop(BrokerServer broker, ControllerServer controller, Metrics metrics,
                             LoopbackServerSockets sockets, Throwable failures) {
        if (broker != null) {
            run(broker::shutdown, failures);
        }
        if (controller != null) {
            run(controller::shutdown, failures);
        }
        if (metrics != null) {
            run(metrics::close, failures);
        }
        run(sockets::close, failures);
    }

    private static void run(Runnable step, Throwable failures) {
        try {
            step.run();
        } catch (RuntimeException | Error e) {
            failures.addSuppressed(e);
        }
    }
}
