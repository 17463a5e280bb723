package io.trafficviz.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real {@code trafficviz serve} in a JVM of its own (its own heap, its own fate), for the ITs. */
public final class ServeProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving http://[^:]+:(\\d+)/");
    private final Process process;
    private final List<String> output;
    private final int port;

    private ServeProcess(Process process, List<String> output, CompletableFuture<Integer> port) throws Exception {
        this.process = process;
        this.output = output;
        try {
            this.port = port.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("serve did not start: " + String.join("\n", output), e);
        }
    }

    /** Starts {@code serve -c config} with these JVM options and waits until it listens. */
    public static ServeProcess start(Path config, List<String> jvmOptions) throws Exception {
        return start(config, jvmOptions, List.of(), Map.of());
    }

    /**
     * Starts {@code serve -c config} through {@code launcher} (a command prefix that execs the rest, such as
     * {@link MemoryCgroup#launcher()}), with these JVM options and extra environment, and waits until it listens.
     */
    public static ServeProcess start(Path config, List<String> jvmOptions, List<String> launcher,
                                     Map<String, String> environment) throws Exception {
        List<String> command = new ArrayList<>(launcher);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.trafficviz.Main", "serve", "-c",
                config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException ended) {
                // the process was stopped: its output ends here
            } finally {
                port.completeExceptionally(new IllegalStateException("serve ended"));
            }
        }, "serve-output");
        reader.setDaemon(true);
        reader.start();
        ServeProcess serve = new ServeProcess(process, lines, port);
        return serve;
    }

    public String base() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    /** Everything the process wrote so far (stdout and stderr). */
    public String output() {
        return String.join("\n", output);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
