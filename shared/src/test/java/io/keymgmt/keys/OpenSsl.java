package io.keymgmt.keys;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the openssl command line as a foreign implementation to compare with. A missing openssl
 * fails the calling test: these comparisons are the point of the test, not an optional extra.
 */
public final class OpenSsl {

    private static final long TIMEOUT_SECONDS = 60;

    private OpenSsl() {
    }

    /** Runs {@code openssl args...} in {@code workDirectory}; returns stdout, fails the test on a non-zero exit. */
    public static byte[] run(Path workDirectory, String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process;
        try {
            Path stdout = Files.createTempFile(workDirectory, "openssl", ".out");
            Path stderr = Files.createTempFile(workDirectory, "openssl", ".err");
            process = new ProcessBuilder(command)
                    .directory(workDirectory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                return fail("openssl did not finish within " + TIMEOUT_SECONDS + " s: " + command);
            }
            if (process.exitValue() != 0) {
                return fail("openssl exited with " + process.exitValue() + ": " + command + "\n"
                        + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            return Files.readAllBytes(stdout);
        } catch (IOException e) {
            return fail("openssl could not be run (is it installed and on PATH?): " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while waiting for openssl", e);
        }
    }
}
