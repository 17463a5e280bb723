package io.trafficviz.parse;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Lines that are not Traefik access-log lines fail with a MalformedLineException saying what is wrong. */
class MalformedLinesTest {
    private static final String CLF = "10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\"";
    private static final String JSON = "{\"DownstreamStatus\":200,\"RequestPath\":\"/x\"}";

    static Stream<Arguments> garbage() {
        return Stream.of(
                arguments("", "empty line"),
                arguments("   \t", "empty line"),
                arguments(null, "null line"),
                arguments("{", "json: unterminated object at col 1"),
                arguments("{}", "json: neither DownstreamStatus nor OriginStatus present"),
                arguments("{\"DownstreamStatus\":\"abc\"}", "json: DownstreamStatus is not a number at col 21"),
                arguments("{\"DownstreamStatus\":true}", "json: DownstreamStatus is not a number"),
                arguments("{\"DownstreamStatus\":1000}", "json: DownstreamStatus out of range"),
                arguments("{\"DownstreamStatus\":99999999999999999999}", "json: DownstreamStatus out of range"),
                arguments("{\"ClientPort\":1e12,\"DownstreamStatus\":200}", "json: ClientPort out of range"),
                arguments("{\"DownstreamStatus\":200,\"RequestPath\":\"/unterminated", "json: unterminated string at col 39"),
                arguments("{\"DownstreamStatus\":200", "json: unterminated object at col 1"),
                arguments("{\"DownstreamStatus\":200,", "json: unterminated object at col 1"),
                arguments("{\"DownstreamStatus\":", "json: unterminated object at col 1"),
                arguments("{\"Downstream", "json: unterminated key at col 2"),
                arguments("{\"DownstreamStatus\" 200}", "json: expected ':' but found '2'"),
                arguments("{\"DownstreamStatus\":200 \"x\":1}", "json: expected ',' or '}' but found '\"'"),
                arguments("{\"DownstreamStatus\":200}}", "json: trailing data after the object"),
                arguments("{\"DownstreamStatus\":200}{\"DownstreamStatus\":200}", "json: trailing data"),
                arguments("{DownstreamStatus:200}", "json: expected a key but found 'D'"),
                arguments("{\"DownstreamStatus\":200,\"x\":[1,2}", "json: expected ',' or ']' but found '}'"),
                arguments("{\"DownstreamStatus\":200,\"x\":tru}", "json: bad literal, expected true"),
                arguments("{\"DownstreamStatus\":200,\"x\":NaN}", "json: unexpected 'N'"),
                arguments("{\"DownstreamStatus\":-}", "json: bad number"),
                arguments("{\"DownstreamStatus\":2.}", "json: bad number"),
                arguments("{\"DownstreamStatus\":2e}", "json: bad number"),
                arguments("{\"DownstreamStatus\":200,\"RequestPath\":\"\\x\"}", "json: bad escape \\'x'"),
                arguments("{\"DownstreamStatus\":200,\"RequestPath\":\"\\u12G4\"}", "json: bad \\u escape"),
                arguments("{\"DownstreamStatus\":200,\"RequestPath\":\"\\u\uFF10041\"}", "json: bad \\u escape"),
                arguments("{\"DownstreamStatus\":200,\"RequestPath\":\"\\u1\"", "json: truncated \\u escape"),
                arguments("{\"DownstreamStatus\":200,\"x\":" + "[".repeat(100) + "]".repeat(100) + "}",
                        "json: nesting too deep"),
                arguments("[{\"DownstreamStatus\":200}]", "clf: missing ' - ' after the client host"),
                arguments("\u0000\u0001\u00ff\ufffd\u0007binary junk", "clf: missing ' - '"),
                arguments("10.0.0.1 - - 15/Jul/2025:13:14:33 +0000 \"GET / HTTP/1.1\" 200 5", "clf: missing [timestamp]"),
                arguments("10.0.0.1 - - [15/Xyz/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\"",
                        "clf: bad timestamp"),
                arguments("10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1 200 5 \"-\" \"-\"",
                        "clf: unterminated request line"),
                arguments("10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET /\" 200 5 \"-\" \"-\"",
                        "clf: request is not"),
                arguments("10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 200 5 - -",
                        "clf: line ends with neither"),
                arguments("10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" -\"",
                        "clf: expected \"<referer>\" \"<user agent>\""),
                arguments("10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\" 1 \"r\" \"u 3ms",
                        "clf: unterminated quotes in ServiceURL"),
                arguments("10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\" 1 \"r\" \"u\" ms",
                        "clf: bad duration"),
                arguments("10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 200 x5 \"-\" \"-\"",
                        "clf: size is not a number"),
                arguments("10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 2000 5 \"-\" \"-\"",
                        "clf: status out of range"),
                arguments(CLF.substring(0, CLF.length() - 1), "clf: line ends with neither"),
                arguments(JSON.substring(0, JSON.length() - 3), "json: unterminated string"));
    }

    @ParameterizedTest
    @MethodSource("garbage")
    void rejected(String line, String message) {
        assertThatThrownBy(() -> new TraefikLogParser().parse(line))
                .isExactlyInstanceOf(MalformedLineException.class)
                .hasMessageStartingWith(message);
    }
}
