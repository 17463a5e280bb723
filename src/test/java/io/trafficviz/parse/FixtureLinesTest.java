package io.trafficviz.parse;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every line Traefik 3.4 actually wrote must parse, with every field equal to what Jackson reads. */
class FixtureLinesTest {
    private final TraefikLogParser parser = new TraefikLogParser();

    @Test
    void everyFixtureLineMatchesJacksonsReading() throws Exception {
        List<String> lines = JacksonOracle.fixtureLines();
        assertThat(lines).hasSizeGreaterThan(600);
        for (String line : lines) {
            JacksonOracle.assertSameEntry(parser.parse(line), JacksonOracle.expected(line), line);
        }
    }

    @Test
    void reusedEntryCarriesNothingOverFromThePreviousLine() throws Exception {
        AccessLogEntry reused = new AccessLogEntry();
        for (String line : JacksonOracle.fixtureLines()) {
            parser.parseInto(line, reused);
            JacksonOracle.assertSameEntry(reused, JacksonOracle.expected(line), line);
        }
    }

    @Test
    void fixturesCoverTheStatusesTheGraphCaresAbout() throws Exception {
        List<String> lines = JacksonOracle.fixtureLines();
        assertThat(lines.stream().map(this::parseUnchecked).mapToInt(AccessLogEntry::status).distinct().sorted())
                .containsExactly(200, 400, 404, 499);
    }

    @Test
    void networkNameHeaderIsKept() throws Exception {
        AccessLogEntry e = parser.parse(JacksonOracle.fixtureLines().stream()
                .filter(l -> l.contains("request_X-Network-Name")).findFirst().orElseThrow());
        assertThat(e.requestHeader("X-Network-Name")).endsWith("-network");
        assertThat(e.requestPort).isNull();
        assertThat(e.clientUsername).isNull();
        assertThat(e.answeredByProxy()).isFalse();
    }

    private AccessLogEntry parseUnchecked(String line) {
        try {
            return parser.parse(line);
        } catch (MalformedLineException e) {
            throw new AssertionError(line, e);
        }
    }
}
