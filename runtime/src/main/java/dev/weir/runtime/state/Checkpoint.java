package dev.weir.runtime.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's checkpoint: for each table, the changelog offset its local store holds everything
 * before. Written after the stores were flushed; read when the task's stores open, to restore
 * only what came after. One line per table: {@code <table> <next changelog offset>}. Written to
 * a temporary file, synced, moved over the old one and the directory synced, so that after a
 * crash (of the process or of the machine) there is the old checkpoint or the new one, whole.
 */
final class Checkpoint {

    private static final Logger log = LoggerFactory.getLogger(Checkpoint.class);
    private static final String HEADER = "weir-checkpoint 1";

    private final Path file;

    Checkpoint(Path taskDir) {
        this.file = taskDir.resolve(".checkpoint");
    }

    Path file() {
        return file;
    }

    /** The offsets, or an empty map when there is no readable checkpoint (then stores are rebuilt). */
    Map<String, Long> read() {
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

    /** Replaces the checkpoint atomically and durably. */
    void write(Map<String, Long> offsets) {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        new TreeMap<>(offsets).forEach((table, offset) -> text.append(table).append(' ').append(offset).append('\n'));
        Path tmp = file.resolveSibling(".checkpoint.tmp");
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** Makes the rename durable; not every platform can open a directory, and then the rename is as durable as it gets. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            log.debug("Cannot sync directory {}: {}", dir, e.toString());
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
