package dev.weir.runtime.engine;

import dev.weir.dsl.Record;
import dev.weir.dsl.Table;
import dev.weir.serdes.Headers;
import dev.weir.serdes.Serde;
import dev.weir.topology.Node;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The runners of a foreign-key table-table join ({@link Node.ForeignKeyJoin}) and the bytes
 * they exchange. A left change subscribes its key to its foreign key; the right side keeps the
 * subscriptions and answers each, and every later change of the right key, with the right value;
 * the left side joins an answer only if it was asked for the left value it holds now.
 *
 * <p>A subscription record, keyed by the foreign key: one instruction byte (0 subscribe,
 * 1 unsubscribe), the 16-byte hash (MD5) of the left value's bytes (zeros to unsubscribe), then
 * the left key's bytes. A response record, keyed by the left key: the hash it answers, one byte
 * saying whether a right value follows (1) or the right key has none (0), then the right
 * value's bytes.
 */
final class ForeignKeyJoin {

    private static final byte SUBSCRIBE = 0;
    private static final byte UNSUBSCRIBE = 1;
    private static final int HASH = 16;

    private ForeignKeyJoin() {
    }

    @SuppressWarnings("unchecked")
    private static Serde<Object> keySerde(Table<?, ?> t) {
        return (Serde<Object>) t.keySerde();
    }

    @SuppressWarnings("unchecked")
    private static Serde<Object> valueSerde(Table<?, ?> t) {
        return (Serde<Object>) t.valueSerde();
    }

    /** One digest per thread: a task's runners all run on its stream thread, and a lookup per record would cost more than the hash. */
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no MD5, which every Java platform must have", e);
        }
    });

    private static byte[] hash(byte[] value) {
        return MD5.get().digest(value);       // digest() resets it for the next value
    }

    private static byte[] subscription(byte instruction, byte[] hash, ByteBuffer leftKey) {
        ByteBuffer k = leftKey.duplicate();
        k.rewind();
        ByteBuffer b = ByteBuffer.allocate(1 + HASH + k.remaining());
        b.put(instruction).put(hash == null ? new byte[HASH] : hash).put(k);
        return b.array();
    }

    private static byte[] response(byte[] hash, byte[] rightValue) {
        ByteBuffer b = ByteBuffer.allocate(HASH + 1 + (rightValue == null ? 0 : rightValue.length));
        b.put(hash).put(rightValue == null ? (byte) 0 : (byte) 1);
        if (rightValue != null) {
            b.put(rightValue);
        }
        return b.array();
    }

    private static byte[] requireBytes(Object value, String what) {
        if (!(value instanceof byte[] b)) {
            throw new IllegalArgumentException("Not a " + what + " of a foreign-key join: " + value);
        }
        return b;
    }

    /** Creates the runner of one part of the join; the subscriptions are shared by the task's lookup and right-change parts. */
    static NodeRunner runner(Node.ForeignKeyJoin j, TaskState state, Map<String, TableRuntime> tables,
                             Map<String, Subscriptions> subscriptions) {
        return switch (j.role()) {
            case SUBSCRIBE -> new Subscribe(j, state, tables.get(j.foreignKeys().name()), tables.get(j.left().name()));
            case LOOKUP -> new Lookup(j, state, tables.get(j.right().name()),
                    subscriptions.computeIfAbsent(j.subscriptions().name(), n -> new Subscriptions(tables.get(n))));
            case RIGHT_CHANGE -> new RightChange(j, state,
                    subscriptions.computeIfAbsent(j.subscriptions().name(), n -> new Subscriptions(tables.get(n))));
            case RESULT -> new Result(j, state, tables.get(j.left().name()));
        };
    }

    /**
     * The subscriptions the right side holds, in its table {@code <join>-subscriptions} under
     * {@code foreign key length (4 bytes) + foreign key + left key}, with the hash the left key
     * asked with; indexed by foreign key on the heap, rebuilt from the store when the task starts.
     */
    static final class Subscriptions {
        private final TableRuntime table;
        private final Map<ByteBuffer, Map<ByteBuffer, byte[]>> byForeignKey = new HashMap<>();

        Subscriptions(TableRuntime table) {
            this.table = table;
            table.forEachStored((k, v) -> {
                ByteBuffer b = ByteBuffer.wrap(k);
                int fkLength = b.getInt(0);
                ByteBuffer fk = ByteBuffer.wrap(Arrays.copyOfRange(k, 4, 4 + fkLength));
                ByteBuffer leftKey = ByteBuffer.wrap(Arrays.copyOfRange(k, 4 + fkLength, k.length));
                byForeignKey.computeIfAbsent(fk, x -> new HashMap<>()).put(leftKey, v);
            });
        }

        private static ByteBuffer storeKey(ByteBuffer fk, ByteBuffer leftKey) {
            ByteBuffer f = fk.duplicate();
            f.rewind();
            ByteBuffer l = leftKey.duplicate();
            l.rewind();
            ByteBuffer b = ByteBuffer.allocate(4 + f.remaining() + l.remaining());
            b.putInt(f.remaining()).put(f).put(l);
            return ByteBuffer.wrap(b.array());
        }

        void subscribe(ByteBuffer fk, ByteBuffer leftKey, byte[] hash, long timestamp) {
            byForeignKey.computeIfAbsent(fk, x -> new HashMap<>()).put(leftKey, hash);
            table.writeRaw(storeKey(fk, leftKey), hash, timestamp);
        }

        void unsubscribe(ByteBuffer fk, ByteBuffer leftKey, long timestamp) {
            Map<ByteBuffer, byte[]> subscribers = byForeignKey.get(fk);
            if (subscribers != null && subscribers.remove(leftKey) != null) {
                if (subscribers.isEmpty()) {
                    byForeignKey.remove(fk);
                }
                table.writeRaw(storeKey(fk, leftKey), null, timestamp);
            }
        }

        /** The left keys subscribed to {@code fk}, with their hashes (a copy). */
        List<Map.Entry<ByteBuffer, byte[]>> subscribers(ByteBuffer fk) {
            Map<ByteBuffer, byte[]> subscribers = byForeignKey.get(fk);
            return subscribers == null ? List.of() : new ArrayList<>(subscribers.entrySet());
        }
    }

    /** Below the left table's writers: subscribes each changed left key to its foreign key. */
    static final class Subscribe extends NodeRunner {
        private final Node.ForeignKeyJoin join;
        private final TableRuntime foreignKeys;
        private final TableRuntime left;
        private final String rightTopic;
        private NodeRunner[] subscriptionOut = new NodeRunner[0];
        private NodeRunner[] resultOut = new NodeRunner[0];

        /** @param left the left table, held by the same task as its writers; its value serde makes the bytes that are hashed */
        Subscribe(Node.ForeignKeyJoin join, TaskState state, TableRuntime foreignKeys, TableRuntime left) {
            super(join.name(), state);
            this.join = join;
            this.foreignKeys = foreignKeys;
            this.left = left;
            this.rightTopic = join.right().changelogTopic().name();
        }

        /** The subscription topic's writer gets subscriptions; the join's result node gets what is decided here. */
        @Override
        void setChildren(NodeRunner[] children) {
            super.setChildren(children);
            List<NodeRunner> subs = new ArrayList<>();
            List<NodeRunner> results = new ArrayList<>();
            for (NodeRunner c : children) {
                (c instanceof WriterRunner ? subs : results).add(c);
            }
            subscriptionOut = subs.toArray(new NodeRunner[0]);
            resultOut = results.toArray(new NodeRunner[0]);
        }

        private void send(NodeRunner[] to, Record<Object, Object> r) {
            for (NodeRunner c : to) {
                c.process(r);
            }
        }

        @Override
        void handle(Record<Object, Object> record) {
            Object key = record.key();
            Object value = record.value();
            ByteBuffer leftKey = foreignKeys.keyBytes(key);
            byte[] oldFk = (byte[]) foreignKeys.get(key);
            Object newFk = value == null ? null : join.foreignKey().apply(value);
            byte[] newFkBytes = newFk == null ? null : keySerde(join.right()).serialize(rightTopic, Headers.create(), newFk);
            if (oldFk != null && !Arrays.equals(oldFk, newFkBytes)) {
                Object old = keySerde(join.right()).deserialize(rightTopic, Headers.empty(), oldFk);
                send(subscriptionOut, new Record<>(old, subscription(UNSUBSCRIBE, null, leftKey), record.timestamp(), record.headers()));
            }
            if (value == null || newFkBytes == null) {
                if (oldFk != null) {
                    foreignKeys.put(key, null, record.timestamp());
                }
                Object result = value != null && join.leftJoin() ? join.joiner().apply(value, null) : null;
                send(resultOut, record.withValue(result));
                return;
            }
            foreignKeys.put(key, newFkBytes, record.timestamp());
            byte[] hash = hash(left.serializeValue(value));
            send(subscriptionOut, new Record<>(newFk, subscription(SUBSCRIBE, hash, leftKey), record.timestamp(), record.headers()));
        }
    }

    /** Reads the subscription topic: keeps each subscription and answers it with the right key's value now. */
    static final class Lookup extends NodeRunner {
        private final Node.ForeignKeyJoin join;
        private final TableRuntime right;
        private final Subscriptions subscriptions;
        private final String leftTopic;

        Lookup(Node.ForeignKeyJoin join, TaskState state, TableRuntime right, Subscriptions subscriptions) {
            super(join.name(), state);
            this.join = join;
            this.right = right;
            this.subscriptions = subscriptions;
            this.leftTopic = join.left().changelogTopic().name();
        }

        @Override
        void handle(Record<Object, Object> record) {
            byte[] s = requireBytes(record.value(), "subscription");
            ByteBuffer fk = right.keyBytes(record.key());
            ByteBuffer leftKey = ByteBuffer.wrap(Arrays.copyOfRange(s, 1 + HASH, s.length));
            if (s[0] == UNSUBSCRIBE) {
                subscriptions.unsubscribe(fk, leftKey, record.timestamp());
                return;
            }
            byte[] hash = Arrays.copyOfRange(s, 1, 1 + HASH);
            subscriptions.subscribe(fk, leftKey, hash, record.timestamp());
            byte[] rightValue = right.serializeValue(right.get(record.key()));
            Object left = keySerde(join.left()).deserialize(leftTopic, Headers.empty(), leftKey.array());
            forwardAll(new Record<>(left, response(hash, rightValue), record.timestamp(), record.headers()));
        }
    }

    /** Below the right table's writers: answers every subscriber of a changed right key. */
    static final class RightChange extends NodeRunner {
        private final Node.ForeignKeyJoin join;
        private final Subscriptions subscriptions;
        private final String rightTopic;
        private final String leftTopic;

        RightChange(Node.ForeignKeyJoin join, TaskState state, Subscriptions subscriptions) {
            super(join.name(), state);
            this.join = join;
            this.subscriptions = subscriptions;
            this.rightTopic = join.right().changelogTopic().name();
            this.leftTopic = join.left().changelogTopic().name();
        }

        @Override
        void handle(Record<Object, Object> record) {
            ByteBuffer fk = ByteBuffer.wrap(keySerde(join.right()).serialize(rightTopic, Headers.create(), record.key()));
            List<Map.Entry<ByteBuffer, byte[]>> subscribers = subscriptions.subscribers(fk);
            if (subscribers.isEmpty()) {
                return;
            }
            byte[] rightValue = record.value() == null ? null
                    : valueSerde(join.right()).serialize(rightTopic, Headers.create(), record.value());
            for (Map.Entry<ByteBuffer, byte[]> e : subscribers) {
                Object left = keySerde(join.left()).deserialize(leftTopic, Headers.empty(), e.getKey().array());
                forwardAll(new Record<>(left, response(e.getValue(), rightValue), record.timestamp(), record.headers()));
            }
        }
    }

    /** Reads the response topic: joins an answer with the left value, if it is still the value the answer was asked for. */
    static final class Result extends NodeRunner {
        private final Node.ForeignKeyJoin join;
        private final TableRuntime left;
        private final String rightTopic;

        Result(Node.ForeignKeyJoin join, TaskState state, TableRuntime left) {
            super(join.name(), state);
            this.join = join;
            this.left = left;
            this.rightTopic = join.right().changelogTopic().name();
        }

        @Override
        void handle(Record<Object, Object> record) {
            byte[] r = requireBytes(record.value(), "response");
            Object value = left.get(record.key());
            if (value == null || !Arrays.equals(hash(left.serializeValue(value)), Arrays.copyOfRange(r, 0, HASH))) {
                return;             // deleted or changed since: its own subscription's answer decides
            }
            Object rightValue = r[HASH] == 0 ? null
                    : valueSerde(join.right()).deserialize(rightTopic, Headers.empty(), Arrays.copyOfRange(r, HASH + 1, r.length));
            Object result = rightValue == null && !join.leftJoin() ? null : join.joiner().apply(value, rightValue);
            forwardAll(record.withValue(result));
        }
    }
}
