package io.trafficviz.parse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InputFormatTest {
    private static final String JSON = "{\"DownstreamStatus\":200}";
    private static final String GENERIC = "10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\"";
    private static final String COMMON = GENERIC + " 1 \"r@file\" \"http://s\" 3ms";

    @Test
    void configNamesAreTraefiksAndCaseInsensitive() {
        assertThat(InputFormat.fromConfig("auto")).isEqualTo(InputFormat.AUTO);
        assertThat(InputFormat.fromConfig("json")).isEqualTo(InputFormat.JSON);
        assertThat(InputFormat.fromConfig("common")).isEqualTo(InputFormat.COMMON);
        assertThat(InputFormat.fromConfig("genericCLF")).isEqualTo(InputFormat.GENERIC_CLF);
        assertThat(InputFormat.fromConfig(" GENERICclf ")).isEqualTo(InputFormat.GENERIC_CLF);
        assertThat(InputFormat.GENERIC_CLF.configName()).isEqualTo("genericCLF");
    }

    @Test
    void unknownNamesAreRejectedWithTheAcceptedOnes() {
        assertThatThrownBy(() -> TraefikLogParser.forFormat("clf"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown access-log format \"clf\" (expected one of: auto, json, common, genericCLF)");
        assertThatThrownBy(() -> InputFormat.fromConfig(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void autoDetectsEachLine() throws Exception {
        TraefikLogParser parser = TraefikLogParser.forFormat("auto");
        assertThat(parser.parse(JSON).format).isEqualTo(AccessLogEntry.Format.JSON);
        assertThat(parser.parse(COMMON).format).isEqualTo(AccessLogEntry.Format.COMMON);
        assertThat(parser.parse(GENERIC).format).isEqualTo(AccessLogEntry.Format.GENERIC_CLF);
        assertThat(parser.parse("\uFEFF  " + JSON).format).isEqualTo(AccessLogEntry.Format.JSON);
    }

    @Test
    void forcedFormatsRejectTheOthers() throws Exception {
        TraefikLogParser json = TraefikLogParser.forFormat("json");
        TraefikLogParser common = TraefikLogParser.forFormat("common");
        TraefikLogParser generic = TraefikLogParser.forFormat("genericCLF");
        assertThat(json.parse(JSON).status()).isEqualTo(200);
        assertThat(common.parse(COMMON).routerName).isEqualTo("r@file");
        assertThat(generic.parse(GENERIC).format).isEqualTo(AccessLogEntry.Format.GENERIC_CLF);

        assertThatThrownBy(() -> json.parse(COMMON)).isInstanceOf(MalformedLineException.class)
                .hasMessage("json: expected '{' at col 1");
        assertThatThrownBy(() -> common.parse(GENERIC)).isInstanceOf(MalformedLineException.class)
                .hasMessageStartingWith("common: no trailing RequestCount");
        assertThatThrownBy(() -> generic.parse(COMMON)).isInstanceOf(MalformedLineException.class)
                .hasMessageStartingWith("genericCLF: unexpected trailing");
        assertThatThrownBy(() -> common.parse(JSON)).isInstanceOf(MalformedLineException.class)
                .hasMessageStartingWith("clf:");
    }
}
