package io.trafficviz.parse;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AccessLogEntryTest {
    @Test
    void resetClearsEveryFieldIncludingOnesAddedLater() throws Exception {
        AccessLogEntry entry = new AccessLogEntry();
        for (Field field : AccessLogEntry.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            Class<?> type = field.getType();
            if (type == String.class) {
                field.set(entry, "x");
            } else if (type == int.class) {
                field.setInt(entry, 7);
            } else if (type == long.class) {
                field.setLong(entry, 7L);
            } else if (type == double.class) {
                field.setDouble(entry, 7.5);
            } else if (type == AccessLogEntry.Format.class) {
                field.set(entry, AccessLogEntry.Format.JSON);
            } else {
                throw new AssertionError("reset() test does not know how to fill " + field);
            }
        }
        entry.putHeader("request_X", "1");
        Map<String, String> headers = entry.headers();

        entry.reset();

        assertThat(entry).usingRecursiveComparison().isEqualTo(new AccessLogEntry());
        entry.putHeader("request_Y", "2");
        assertThat(entry.headers()).as("the cleared map is reused").isSameAs(headers).containsOnlyKeys("request_Y");
    }

    @Test
    void answeredByProxyNeedsAnOriginStatusAndABackend() {
        AccessLogEntry entry = new AccessLogEntry();
        entry.downstreamStatus = 200;
        entry.originStatus = 200;
        assertThat(entry.answeredByProxy()).as("no backend named").isTrue();
        entry.serviceUrl = "http://10.0.0.3"; // all CLF has
        assertThat(entry.answeredByProxy()).isFalse();
        entry.serviceUrl = null;
        entry.serviceName = "api@docker";
        assertThat(entry.answeredByProxy()).isFalse();
        entry.originStatus = 0;
        assertThat(entry.answeredByProxy()).isTrue();
    }
}
