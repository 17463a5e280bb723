package io.trafficviz.app;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.trafficviz.telemetry.BuildInfo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The JVM's and the process's series for {@code /metrics} ({@code process_cpu_seconds_total},
 * {@code process_resident_memory_bytes}, {@code jvm_memory_used_bytes{area}}, threads, GC, ...) under the names every
 * JVM dashboard knows, from Prometheus' own instrumentation library, and {@code trafficviz_build_info}. Rendered in
 * the same text format as the hand-written series they follow; the registry is trafficviz's own, never the library's
 * global default, so a second app in one JVM (the tests) cannot register twice.
 */
final class RuntimeMetrics {
    /** One per JVM: the library's collectors add GC listeners to the JVM, which an app that stops could not take back. */
    private static final class Shared {
        static final RuntimeMetrics INSTANCE = new RuntimeMetrics(BuildInfo.current());
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final String buildInfo;

    RuntimeMetrics(BuildInfo build) {
        JvmMetrics.builder().register(registry);
        buildInfo = "# HELP trafficviz_build_info The version running and its Java runtime, as labels.\n"
                + "# TYPE trafficviz_build_info gauge\n"
                + "trafficviz_build_info{version=\"" + label(build.version())
                + "\",java_version=\"" + label(System.getProperty("java.version", "unknown")) + "\"} 1\n";
    }

    static RuntimeMetrics shared() {
        return Shared.INSTANCE;
    }

    String render() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buildInfo + out.toString(StandardCharsets.UTF_8);
    }

    private static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
