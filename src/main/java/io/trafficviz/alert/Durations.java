package io.trafficviz.alert;

/** Durations as people write them in the config: {@code 90s}, {@code 5m}, {@code 2h}. */
final class Durations {
    private Durations() {
    }

    static String text(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        long s = millis / 1000;
        if (s % 60 != 0) {
            return s < 3600 ? s + "s" : s / 60 + "m";
        }
        long m = s / 60;
        return m % 60 != 0 ? m + "m" : m / 60 + "h";
    }
}
