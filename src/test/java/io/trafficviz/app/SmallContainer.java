package io.trafficviz.app;

import java.util.List;
import java.util.Map;

/**
 * The JVM options and environment docs/performance.md recommends for trafficviz in a 256 MiB container ("In a
 * 256 MiB container"), measured by {@code bench/run hostile}; the ITs start serve with them, and a test keeps the
 * docs' copies equal to these.
 */
public final class SmallContainer {
    /** The container's memory limit these options are for. */
    public static final long LIMIT_BYTES = 256L << 20;
    /**
     * What {@code java} gets. The heap is 40% of the container's limit (104 MiB at 256 MiB), so the same options suit
     * larger containers; both percentages, because below ~300 MiB the JVM takes MinRAMPercentage (50 by default)
     * whatever MaxRAMPercentage says.
     */
    public static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:MinRAMPercentage=40",
            "-XX:MaxRAMPercentage=40", "-XX:TrimNativeHeapInterval=10000");
    /** The environment beside them. */
    public static final Map<String, String> ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    private SmallContainer() {
    }
}
