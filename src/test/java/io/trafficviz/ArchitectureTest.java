package io.trafficviz;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of docs/ARCHITECTURE.md: the stages depend only downwards, in the order a line flows (source →
 * parse → resolve → graph → ingest → publish), values in {@code model} and {@code telemetry} are shared by all, and
 * the product never depends on its tooling ({@code dev}). A change that breaks a rule fails here, with the offending
 * dependency named.
 */
class ArchitectureTest {
    private static final String ROOT = "io.trafficviz";
    private static JavaClasses product;

    @BeforeAll
    static void importClasses() {
        product = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(ROOT);
    }

    private static String[] allowed(String... packages) {
        String[] out = new String[packages.length + 1];
        for (int i = 0; i < packages.length; i++) {
            out[i] = ROOT + "." + packages[i] + "..";
        }
        out[packages.length] = "java..";
        return out;
    }

    /** Classes of {@code pkg} may depend only on the JDK, on {@code allowedProject} and on {@code libraries}. */
    private static ArchRule only(String pkg, String[] allowedProject, String... libraries) {
        String[] all = new String[allowedProject.length + libraries.length];
        System.arraycopy(allowedProject, 0, all, 0, allowedProject.length);
        System.arraycopy(libraries, 0, all, allowedProject.length, libraries.length);
        return classes().that().resideInAPackage(ROOT + "." + pkg + "..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(all)
                .because(pkg + " sits at its place in the pipeline (docs/ARCHITECTURE.md)");
    }

    @Test
    void valuesShared_byEveryStage_dependOnNothing() {
        only("model", allowed("model")).check(product);
        only("telemetry", allowed("telemetry", "model")).check(product);
    }

    @Test
    void theGroundFloor_dependsOnlyOnValues() {
        only("config", allowed("config"), "com.fasterxml.jackson..").check(product);
        only("parse", allowed("parse", "model"), "com.fasterxml.jackson..").check(product);
        only("graph", allowed("graph", "model", "telemetry"), "org.HdrHistogram..").check(product);
        only("discovery", allowed("discovery", "model", "telemetry"), "com.fasterxml.jackson..", "org.slf4j..")
                .check(product);
    }

    @Test
    void sources_knowOnlyTheDoor() {
        // A source hands byte lines to LineSink; it does not know who parses them.
        only("source", allowed("source", "model", "telemetry"), "org.slf4j..", "io.javalin..",
                "com.fasterxml.jackson..", "jakarta.servlet..", "org.eclipse.jetty..", "org.apache.kafka..").check(product);
    }

    @Test
    void resolve_returnsRoutes_andHoldsNoNodes() {
        only("resolve", allowed("resolve", "model", "config", "parse", "discovery")).check(product);
    }

    @Test
    void ingest_isTheOnlyStageThatRunsTheOthers() {
        only("ingest", allowed("ingest", "source", "parse", "resolve", "graph", "model", "telemetry", "config",
                "discovery"), "org.slf4j..").check(product);
    }

    @Test
    void history_isFedLikePublish_andReadByIt() {
        // Beside publish: it hears requests as values (EventListener, LiveRequest) and counts windows into a graph.
        only("history", allowed("history", "ingest", "graph", "model", "telemetry"), "org.duckdb..", "org.slf4j..",
                "java.sql..").check(product);
        classes().that().resideInAPackage(ROOT + ".history..")
                .should().onlyDependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "outside ingest, or its listener side (EventListener, LiveRequest)",
                        (com.tngtech.archunit.core.domain.JavaClass c) ->
                                !c.getPackageName().startsWith(ROOT + ".ingest")
                                        || READ_SIDE.contains(c.getName())))
                .check(product);
    }

    @Test
    void alert_isFedLikeHistory() {
        // Hears requests and facts as values (EventListener, LiveRequest), seeds from a snapshot; posts to its sinks.
        only("alert", allowed("alert", "ingest", "graph", "model", "telemetry", "config"), "com.fasterxml.jackson..",
                "org.slf4j..").check(product);
        classes().that().resideInAPackage(ROOT + ".alert..")
                .should().onlyDependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "outside ingest and graph, or their read side",
                        (com.tngtech.archunit.core.domain.JavaClass c) ->
                                !c.getPackageName().startsWith(ROOT + ".ingest")
                                        && !c.getPackageName().startsWith(ROOT + ".graph")
                                        || READ_SIDE.contains(c.getName())))
                .check(product);
    }

    @Test
    void publish_readsIngestThroughValues() {
        only("publish", allowed("publish", "ingest", "graph", "model", "telemetry", "config", "history"), "io.javalin..",
                "org.eclipse.jetty..", "jakarta.servlet..", "com.fasterxml.jackson..", "org.slf4j..",
                "kotlin..", "javax.crypto..", "org.springframework.security.crypto..").check(product);
    }

    @Test
    void publish_usesOnlyTheReadSideOfIngest_andTheGraphsValues() {
        classes().that().resideInAPackage(ROOT + ".publish..")
                .should().onlyDependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "outside ingest and graph, or their read side (IngestView, EventListener, LiveRequest, the "
                                + "graph's value records)",
                        (com.tngtech.archunit.core.domain.JavaClass c) ->
                                !c.getPackageName().startsWith(ROOT + ".ingest")
                                        && !c.getPackageName().startsWith(ROOT + ".graph")
                                        || READ_SIDE.contains(c.getName())))
                .check(product);
    }

    private static final java.util.Set<String> READ_SIDE = java.util.Set.of(
            ROOT + ".ingest.IngestView", ROOT + ".ingest.EventListener", ROOT + ".ingest.LiveRequest",
            ROOT + ".graph.NodeView", ROOT + ".graph.EdgeView", ROOT + ".graph.PathCount", ROOT + ".graph.GraphDelta",
            ROOT + ".graph.ServiceGraphEdge",
            ROOT + ".graph.NetworkSnapshot");

    @Test
    void publishSubPackages_wireAtTheBottom_liveAndHttpApart() {
        noClasses().that().resideInAPackage(ROOT + ".publish.wire..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".publish.live..", ROOT + ".publish.http..")
                .check(product);
        noClasses().that().resideInAPackage(ROOT + ".publish.live..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".publish.http..").check(product);
        noClasses().that().resideInAPackage(ROOT + ".publish.http..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".publish.live..").check(product);
        slices().matching(ROOT + ".publish.(*)..").should().beFreeOfCycles().check(product);
    }

    @Test
    void nothingBelowTheWiring_dependsOnIt() {
        noClasses().that().resideOutsideOfPackages(ROOT + ".app..", ROOT + ".cli..", ROOT + ".dev..")
                .and().doNotHaveFullyQualifiedName(ROOT + ".Main")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".app..", ROOT + ".cli..")
                .check(product);
    }

    @Test
    void theProduct_neverDependsOnItsTooling() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".dev..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".dev..")
                .check(product);
    }

    @Test
    void noCyclesBetweenPackages() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(product);
    }
}
