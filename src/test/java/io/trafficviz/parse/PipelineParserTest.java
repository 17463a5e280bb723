package io.trafficviz.parse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pipeline's parser copies out fewer fields, but accepts, rejects and reads what it keeps exactly the same. */
class PipelineParserTest {
    private final TraefikLogParser full = TraefikLogParser.forFormat("auto");
    private final TraefikLogParser lean = TraefikLogParser.essentialFields("auto", false, null);
    private final TraefikLogParser leanWithHeaders = TraefikLogParser.essentialFields("auto", true, null);

    @Test
    void fixtureLinesGiveTheSameFieldsThePipelineReads() throws Exception {
        AccessLogEntry reused = new AccessLogEntry();
        for (String line : JacksonOracle.fixtureLines()) {
            AccessLogEntry expected = full.parse(line);
            lean.parseInto(line, reused);
            assertThat(reused.clientHost).as(line).isEqualTo(expected.clientHost);
            assertThat(reused.firstClientHost).as(line).isEqualTo(expected.firstClientHost);
            assertThat(reused.downstreamStatus).as(line).isEqualTo(expected.downstreamStatus);
            assertThat(reused.originStatus).as(line).isEqualTo(expected.originStatus);
            assertThat(reused.durationNanos).as(line).isEqualTo(expected.durationNanos);
            assertThat(reused.originDurationNanos).as(line).isEqualTo(expected.originDurationNanos);
            assertThat(reused.downstreamContentSize).as(line).isEqualTo(expected.downstreamContentSize);
            assertThat(reused.requestMethod).as(line).isEqualTo(expected.requestMethod);
            assertThat(reused.requestHost).as(line).isEqualTo(expected.requestHost);
            assertThat(reused.requestPath).as(line).isEqualTo(expected.requestPath);
            assertThat(reused.routerName).as(line).isEqualTo(expected.routerName);
            assertThat(reused.serviceName).as(line).isEqualTo(expected.serviceName);
            assertThat(reused.serviceUrl).as(line).isEqualTo(expected.serviceUrl);
            assertThat(reused.startMillis).as(line).isEqualTo(expected.startMillis);
            assertThat(reused.answeredByProxy()).as(line).isEqualTo(expected.answeredByProxy());
            assertThat(reused.clientAddr).isNull();
            assertThat(reused.headers()).isEmpty();
            assertThat(leanWithHeaders.parse(line).headers()).as(line).isEqualTo(expected.headers());
        }
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> garbage() {
        return MalformedLinesTest.garbage();
    }

    @ParameterizedTest
    @MethodSource("garbage")
    void rejectsWhatTheFullParserRejects(String line, String message) {
        assertThatThrownBy(() -> lean.parse(line)).isExactlyInstanceOf(MalformedLineException.class)
                .hasMessageContaining(message);
    }

    @Test
    void badValuesInSkippedFieldsStillMakeTheLineMalformed() {
        assertThatThrownBy(() -> lean.parse("{\"DownstreamStatus\":200,\"ClientAddr\":\"\\q\"}"))
                .isExactlyInstanceOf(MalformedLineException.class).hasMessageContaining("bad escape");
        assertThatThrownBy(() -> lean.parse("{\"DownstreamStatus\":200,\"request_X-Network-Name\":nul}"))
                .isExactlyInstanceOf(MalformedLineException.class).hasMessageContaining("bad literal");
    }
}
