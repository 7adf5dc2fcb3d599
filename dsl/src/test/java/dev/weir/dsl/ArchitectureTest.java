package dev.weir.dsl;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The DSL describes programs; running them on Kafka is the runtime's job. */
class ArchitectureTest {

    private static final JavaClasses DSL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.weir.dsl", "dev.weir.topology");

    @Test
    void theDslImportsNoKafka() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "org.rocksdb..", "dev.weir.runtime..")
                .because("a topology is built, validated and described without a broker; the runtime depends on the DSL, never back")
                .check(DSL);
    }
}
