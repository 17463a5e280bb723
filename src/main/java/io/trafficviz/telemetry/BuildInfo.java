package io.trafficviz.telemetry;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What was built: the project's version, as Maven's resource filtering wrote it into {@code build-info.properties}.
 * A jar whose resource was not filtered (run from an IDE's classes, say) reads {@code unknown} rather than the
 * placeholder.
 *
 * @param version the Maven project version, e.g. {@code 0.1.0-SNAPSHOT}
 */
public record BuildInfo(String version) {
    private static final String RESOURCE = "build-info.properties";
    private static final BuildInfo CURRENT = read();

    public static BuildInfo current() {
        return CURRENT;
    }

    private static BuildInfo read() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // Left empty: a jar that cannot read its own resource still runs, and says "unknown".
        }
        String version = p.getProperty("version");
        return new BuildInfo(version == null || version.isBlank() || version.startsWith("${") ? "unknown" : version.strip());
    }
}
