package io.trafficviz.parse;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class TimestampsTest {
    private static final DateTimeFormatter CLF =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

    @Test
    void agreesWithJavaTimeAcrossCenturiesOffsetsAndLeapDays() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong() % 8_000_000_000L; // roughly years 1716..2223
            int nanos = random.nextInt(1_000_000_000);
            ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(48) - 24) * 1800);
            OffsetDateTime t = Instant.ofEpochSecond(seconds, nanos).atOffset(offset);
            String rfc = t.toString(); // ISO like Go's RFC3339Nano (trailing zeros may differ; both are valid)
            assertThat(Timestamps.parseRfc3339(rfc, 0, rfc.length())).as(rfc)
                    .isEqualTo(t.toInstant().toEpochMilli());
            String clf = t.format(CLF);
            byte[] clfBytes = clf.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(Timestamps.parseClf(clfBytes, 0, clfBytes.length)).as(clf).isEqualTo(seconds * 1000);
        }
    }

    @Test
    void rejectsImpossibleDates() {
        for (String bad : new String[] {"2025-02-29T00:00:00Z", "2025-13-01T00:00:00Z", "2025-01-01T24:00:00Z",
                "2025-01-01T00:00:00", "2025-01-01T00:00:00.Z", "2025-01-01T00:00:00+0200", "2025-01-01X00:00:00Z"}) {
            assertThat(Timestamps.parseRfc3339(bad, 0, bad.length())).as(bad).isEqualTo(Timestamps.INVALID);
        }
        assertThat(Timestamps.parseRfc3339("2024-02-29T00:00:00Z", 0, 20)).isNotEqualTo(Timestamps.INVALID);
    }
}
