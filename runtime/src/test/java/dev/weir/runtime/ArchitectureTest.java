package dev.weir.runtime;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The runtime's layers, kept by rules rather than by good intentions: the task engine knows no
 * Kafka and no RocksDB (it is what the testkit runs); state sits on the engine; the Kafka layer on
 * both; the command line on top. Arrows point one way and no layer cycles with another.
 */
class ArchitectureTest {

    private static final JavaClasses RUNTIME = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.weir.runtime");

    @Test
    void theEngineImportsNoKafkaAndNoRocksDb() {
        noClasses().that().resideInAPackage("dev.weir.runtime.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "org.rocksdb..")
                .because("the engine is what the testkit runs in memory; Kafka and RocksDB belong to the layers above it")
                .check(RUNTIME);
    }

    @Test
    void theEngineDependsOnNoOtherLayerOfTheRuntime() {
        noClasses().that().resideInAPackage("dev.weir.runtime.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.weir.runtime.state..", "dev.weir.runtime.kafka..",
                        "dev.weir.runtime.cli..")
                .check(RUNTIME);
    }

    @Test
    void stateDependsNeitherOnTheKafkaLayerNorOnTheCli() {
        noClasses().that().resideInAPackage("dev.weir.runtime.state..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.weir.runtime.kafka..", "dev.weir.runtime.cli..")
                .check(RUNTIME);
    }

    @Test
    void theKafkaLayerDoesNotDependOnTheCli() {
        noClasses().that().resideInAPackage("dev.weir.runtime.kafka..")
                .should().dependOnClassesThat().resideInAPackage("dev.weir.runtime.cli..")
                .check(RUNTIME);
    }

    @Test
    void onlyTheWorkerFacadeReachesIntoTheKafkaLayerFromTheApiPackage() {
        noClasses().that().resideInAPackage("dev.weir.runtime").and().doNotHaveSimpleName("Worker")
                .should().dependOnClassesThat().resideInAnyPackage("dev.weir.runtime.kafka..", "dev.weir.runtime.state..",
                        "dev.weir.runtime.engine..", "dev.weir.runtime.cli..")
                .because("WorkerConfig, ErrorPolicy, Guarantee and WorkerException are the vocabulary the layers share;"
                        + " only Worker starts them")
                .check(RUNTIME);
    }

    @Test
    void theWebEndpointDependsOnNoOtherLayerOfTheRuntime() {
        noClasses().that().resideInAPackage("dev.weir.runtime.web..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.weir.runtime.engine..", "dev.weir.runtime.state..",
                        "dev.weir.runtime.kafka..", "dev.weir.runtime.cli..")
                .because("the worker hands the endpoint what it may ask through WebServer.Host")
                .check(RUNTIME);
    }

    @Test
    void theLayersHaveNoCycles() {
        slices().matching("dev.weir.runtime.(*)..").should().beFreeOfCycles().check(RUNTIME);
    }
}
