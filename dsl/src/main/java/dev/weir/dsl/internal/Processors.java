package dev.weir.dsl.internal;

import dev.weir.dsl.Agent;
import dev.weir.dsl.KeyValue;
import dev.weir.dsl.Processor;
import dev.weir.dsl.ProcessorContext;
import dev.weir.dsl.Record;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;

/** The processors behind the DSL's stateless operations. */
final class Processors {

    private Processors() {
    }

    /** Base for processors that keep their context. */
    abstract static class Base implements Processor<Object, Object, Object, Object> {
        ProcessorContext<Object, Object> ctx;

        @Override
        public void init(ProcessorContext<Object, Object> context) {
            this.ctx = context;
        }
    }

    static final class Map extends Base {
        private final BiFunction<Object, Object, ? extends KeyValue<?, ?>> mapper;

        Map(BiFunction<Object, Object, ? extends KeyValue<?, ?>> mapper) {
            this.mapper = mapper;
        }

        @Override
        public void process(Record<Object, Object> r) {
            KeyValue<?, ?> kv = Objects.requireNonNull(mapper.apply(r.key(), r.value()),
                    "map function returned null; return KeyValue.of(key, value)");
            ctx.forward(new Record<>(kv.key(), kv.value(), r.timestamp(), r.headers()));
        }
    }

    static final class MapValues extends Base {
        private final BiFunction<Object, Object, ?> mapper;

        MapValues(BiFunction<Object, Object, ?> mapper) {
            this.mapper = mapper;
        }

        @Override
        public void process(Record<Object, Object> r) {
            ctx.forward(r.withValue(mapper.apply(r.key(), r.value())));
        }
    }

    /** Replaces the whole record (withTimestamps). */
    static final class MapRecord extends Base {
        private final java.util.function.UnaryOperator<Record<Object, Object>> mapper;

        MapRecord(java.util.function.UnaryOperator<Record<Object, Object>> mapper) {
            this.mapper = mapper;
        }

        @Override
        public void process(Record<Object, Object> r) {
            ctx.forward(mapper.apply(r));
        }
    }

    static final class SelectKey extends Base {
        private final BiFunction<Object, Object, ?> keyFn;

        SelectKey(BiFunction<Object, Object, ?> keyFn) {
            this.keyFn = keyFn;
        }

        @Override
        public void process(Record<Object, Object> r) {
            ctx.forward(r.withKey(keyFn.apply(r.key(), r.value())));
        }
    }

    static final class FlatMap extends Base {
        private final BiFunction<Object, Object, ? extends Iterable<? extends KeyValue<?, ?>>> mapper;

        FlatMap(BiFunction<Object, Object, ? extends Iterable<? extends KeyValue<?, ?>>> mapper) {
            this.mapper = mapper;
        }

        @Override
        public void process(Record<Object, Object> r) {
            Iterable<? extends KeyValue<?, ?>> out = mapper.apply(r.key(), r.value());
            if (out == null) {
                return;
            }
            for (KeyValue<?, ?> kv : out) {
                // Each output gets its own headers: a downstream serde may add to them.
                ctx.forward(new Record<>(kv.key(), kv.value(), r.timestamp(), r.headers().copy()));
            }
        }
    }

    static final class FlatMapValues extends Base {
        private final BiFunction<Object, Object, ? extends Iterable<?>> mapper;

        FlatMapValues(BiFunction<Object, Object, ? extends Iterable<?>> mapper) {
            this.mapper = mapper;
        }

        @Override
        public void process(Record<Object, Object> r) {
            Iterable<?> out = mapper.apply(r.key(), r.value());
            if (out == null) {
                return;
            }
            for (Object v : out) {
                ctx.forward(new Record<>(r.key(), v, r.timestamp(), r.headers().copy()));
            }
        }
    }

    /** peek (forwards) and foreach (does not). */
    static final class Peek extends Base {
        private final BiConsumer<Object, Object> action;
        private final boolean forward;

        Peek(BiConsumer<Object, Object> action, boolean forward) {
            this.action = action;
            this.forward = forward;
        }

        @Override
        public void process(Record<Object, Object> r) {
            action.accept(r.key(), r.value());
            if (forward) {
                ctx.forward(r);
            }
        }
    }

    /** merge and the branches of a split: records pass unchanged. */
    static final class PassThrough extends Base {
        @Override
        public void process(Record<Object, Object> r) {
            ctx.forward(r);
        }
    }

    static final class AgentProcessor implements Processor<Object, Object, Object, Object> {
        private final Agent<Object, Object> agent;
        private ProcessorContext<Void, Void> ctx;

        AgentProcessor(Agent<Object, Object> agent) {
            this.agent = agent;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void init(ProcessorContext<Object, Object> context) {
            // An agent forwards nothing: its context is typed so that forward cannot be called with data.
            this.ctx = (ProcessorContext<Void, Void>) (ProcessorContext<?, ?>) context;
        }

        @Override
        public void process(Record<Object, Object> r) throws Exception {
            agent.process(r, ctx);
        }
    }

    /** Sends each record to the first branch whose predicate matches, else to the default branch if any. */
    static final class SplitRouter extends Base {
        private final List<String> branches;
        private final List<BiPredicate<Object, Object>> predicates;
        private final String defaultBranch;

        SplitRouter(List<String> branches, List<BiPredicate<Object, Object>> predicates, String defaultBranch) {
            this.branches = branches;
            this.predicates = predicates;
            this.defaultBranch = defaultBranch;
        }

        @Override
        public void process(Record<Object, Object> r) {
            for (int i = 0; i < predicates.size(); i++) {
                if (predicates.get(i).test(r.key(), r.value())) {
                    ctx.forward(r, branches.get(i));
                    return;
                }
            }
            if (defaultBranch != null) {
                ctx.forward(r, defaultBranch);
            }
        }
    }
}
