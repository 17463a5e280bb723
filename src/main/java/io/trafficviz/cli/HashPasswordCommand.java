package io.trafficviz.cli;

import io.trafficviz.publish.auth.Passwords;
import io.trafficviz.publish.auth.Tokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

@Command(name = "hash-password", mixinStandardHelpOptions = true,
        description = {"Print the bcrypt hash of a password for auth.users[].passwordHash. The password is read from "
                + "the terminal (asked twice, not echoed) or, when stdin is not a terminal, from its first line; "
                + "never from the command line, where other users and the shell history would see it.",
                "With --token, generate a bearer token for a script instead: prints the token (give it to the script) "
                        + "and the hash for auth.tokens[].hash."})
public final class HashPasswordCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--token", description = "Generate a random bearer token and print it with its hash.")
    boolean token;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        if (token) {
            String generated = Tokens.generate();
            out.println("token: " + generated);
            out.println("hash:  " + Tokens.configHash(generated));
            out.flush();
            return;
        }
        String password = readPassword();
        try {
            out.println(Passwords.hash(password));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        out.flush();
    }

    private String readPassword() {
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("Password: ");
            char[] again = console.readPassword("Again: ");
            if (first == null || again == null || !Arrays.equals(first, again)) {
                throw new ParameterException(spec.commandLine(), "the two passwords differ");
            }
            return new String(first);
        }
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "no password on stdin");
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
