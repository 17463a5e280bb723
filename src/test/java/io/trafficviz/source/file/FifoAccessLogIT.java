package io.trafficviz.source.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.trafficviz.Main;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A FIFO (made with the real {@code mkfifo}) as {@code accessLog}: refused at start with exit 2 naming the key, and a
 * tailer that finds one at its path later reports it once instead of blocking on it or flooding the log.
 */
class FifoAccessLogIT extends TailerTestSupport {

    @Test
    void aFifoAsAccessLogIsRefusedNamingTheKey() throws Exception {
        Path fifo = mkfifo(dir.resolve("access.log"));
        Path config = dir.resolve("trafficviz.yml");
        Files.writeString(config, """
                listen: 127.0.0.1:0
                servers:
                  - name: edge
                    proxies:
                      - name: traefik
                        role: public
                        accessLog: %s
                """.formatted(fifo));
        CommandLine cli = Main.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("serve", "--config", config.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("servers[0].proxies[0].accessLog").contains("FIFO").contains(fifo.toString());
    }

    @Test
    void aTailerFindingAFifoReportsItWithoutBlockingOrReadingIt() throws Exception {
        Path fifo = mkfifo(log());
        CollectingSink sink = new CollectingSink();
        FileTailer tailer = tail(options(log()), sink);

        Await.until("the FIFO reported", () -> tailer.snapshot().lastError() != null);
        assertThat(tailer.snapshot().lastError()).contains("not a regular file");
        assertThat(tailer.snapshot().state()).isEqualTo(TailerState.WAITING_FOR_FILE);
        // A writer on the other end finds nobody reading: the tailer never opened it, so nothing is consumed.
        Process writer = new ProcessBuilder("sh", "-c", "echo line > '" + fifo + "'").start();
        assertThat(writer.waitFor(300, TimeUnit.MILLISECONDS)).as("the writer blocks: no reader").isFalse();
        writer.destroyForcibly();
        assertThat(sink.size()).isZero();

        // Replaced by a regular file: tailed as usual.
        Files.delete(fifo);
        try (OutputStream out = Files.newOutputStream(log())) {
            out.write("born regular\n".getBytes());
        }
        assertThat(sink.awaitAtLeast(1).texts()).containsExactly("born regular");
    }

    private static Path mkfifo(Path path) throws Exception {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertThat(p.waitFor()).isZero();
        return path;
    }
}
