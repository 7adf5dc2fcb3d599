package dev.weir.runtime.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's checkpoint: for each table, the changelog offset its local store holds everything
 * before. Written after the stores and the producer were flushed, read on assignment to restore
 * only what came after. One line per table: {@code <table> <next changelog offset>}.
 */
public final class Checkpoint {

    private static final Logger log = LoggerFactory.getLogger(Checkpoint.class);
    private static final String HEADER = "weir-checkpoint 1";

    private final Path file;

    public Checkpoint(Path taskDir) {
        this.file = taskDir.resolve(".checkpoint");
    }

    /** The offsets, or an empty map when there is no readable checkpoint (then stores are rebuilt). */
    public Map<String, Long> read() {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
                log.warn("Ignoring checkpoint {}: unknown format; its stores are rebuilt from their changelogs", file);
                return Map.of();
            }
            Map<String, Long> out = new HashMap<>();
            for (String line : lines.subList(1, lines.size())) {
                int sp = line.lastIndexOf(' ');
                out.put(line.substring(0, sp), Long.parseLong(line.substring(sp + 1)));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            log.warn("Ignoring unreadable checkpoint {} ({}); its stores are rebuilt from their changelogs", file, e.toString());
            return Map.of();
        }
    }

    /** Replaces the checkpoint atomically, so a crash leaves the old or the new one, never half. */
    public void write(Map<String, Long> offsets) {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        new TreeMap<>(offsets).forEach((table, offset) -> lines.add(table + " " + offset));
        Path tmp = file.resolveSibling(".checkpoint.tmp");
        try {
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Cannot delete checkpoint {}: {}", file, e.toString());
        }
    }
}
