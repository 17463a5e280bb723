package io.trafficviz.benchmarks;

import io.trafficviz.app.TrafficvizApp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small helpers shared by the benchmark programs. */
final class Bench {
    private Bench() {
    }

    /** Waits (up to 30 s) until every proxy's discovery has answered once, so lines resolve the same way every run. */
    static void awaitDiscovery(TrafficvizApp app) throws InterruptedException {
        app.awaitFirstDiscovery(java.time.Duration.ofSeconds(30));
    }

    /** VmRSS of a process in KiB, or -1. */
    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
