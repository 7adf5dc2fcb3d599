package dev.weir.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's examples and {@link ReadmeExamplesTest} in step: every block the test marks
 * {@code // --- README "..." ---} ... {@code // --- end ---} must stand in the README as written
 * (less the test's indentation), so an example edited on one side only fails here.
 */
class ReadmeInStepTest {

    private static final Pattern BLOCK = Pattern.compile("\\n( *)// --- README (.+?) ---\\n(.*?)\\n *// --- end ---", Pattern.DOTALL);

    @Test
    void everyExampleTheTestRunsStandsInTheReadmeAsWritten() throws IOException {
        Path module = Path.of("").toAbsolutePath();
        String test = Files.readString(module.resolve("src/test/java/dev/weir/examples/readme/ReadmeExamplesTest.java"));
        String readme = Files.readString(module.getParent().resolve("README.md"));
        List<String> blocks = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Matcher m = BLOCK.matcher(test);
        while (m.find()) {
            String indent = m.group(1);
            StringBuilder block = new StringBuilder();
            for (String line : m.group(3).split("\n", -1)) {
                block.append(line.startsWith(indent) ? line.substring(indent.length()) : line.strip()).append('\n');
            }
            blocks.add(m.group(2));
            if (!readme.contains(block.toString())) {
                missing.add(m.group(2) + ":\n" + block);
            }
        }
        assertThat(blocks).as("the marked blocks of ReadmeExamplesTest").hasSizeGreaterThanOrEqualTo(6);
        assertThat(missing).as("blocks of ReadmeExamplesTest that the README does not show as written").isEmpty();
    }
}
