package io.keymgmt.byok.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.PublicKeyPem;
import io.keymgmt.keys.TestRsaKeys;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool as a separate JVM with only this module's compiled classes on the class path: proves it
 * needs nothing but the JDK at run time (no Azure SDK, no BouncyCastle, no test classes).
 */
class ByokFileToolProcessTest {

    private static final long TIMEOUT_SECONDS = 120;

    @TempDir
    Path dir;

    /** Runs {@code java -cp target/classes ByokFileTool args}; returns status, stdout, stderr. */
    private ByokFileToolTest.Result runJvm(String... args) throws Exception {
        Path classes = Paths.get("target", "classes").toAbsolutePath();
        assertTrue(Files.isRegularFile(classes.resolve("io/keymgmt/byok/tool/ByokFileTool.class")), classes.toString());
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classes.toString(), ByokFileTool.class.getName()));
        command.addAll(List.of(args));
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("CLASSPATH");
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            fail("the tool's JVM did not finish within " + TIMEOUT_SECONDS + " s");
        }
        return new ByokFileToolTest.Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    @Test
    void runsOnTheJdkAloneAndWritesABlobThatUnwraps() throws Exception {
        Path kek = Files.writeString(dir.resolve("kek.pem"), PublicKeyPem.encode(TestRsaKeys.kek(KeyType.RSA_4096).getPublic()));
        Path key = Files.write(dir.resolve("key.der"), TestRsaKeys.targetPkcs8Bytes(KeyType.RSA_2048));
        Path out = dir.resolve("key.byok");
        ByokFileToolTest.Result result = runJvm("--kek", kek.toString(), "--kid", ByokFileToolTest.KID,
                "--key", key.toString(), "--out", out.toString());
        assertEquals(0, result.status, result.err);
        assertEquals("", result.err);
        assertEquals("wrote " + out + " (for key exchange key " + ByokFileToolTest.KID + ")\n", result.out);
        ByokFileToolTest.assertBlobFor(out, KeyType.RSA_4096, KeyType.RSA_2048);
    }

    @Test
    void aUsageErrorIsOneLineAndExitStatusTwo() throws Exception {
        ByokFileToolTest.Result result = runJvm("--kek", "kek.pem", "--bogus");
        assertEquals(2, result.status);
        assertEquals("", result.out);
        assertEquals("byok-file-tool: unknown option --bogus; accepted options are --kek, --kid, --key, --out, --force,"
                + " --help (see --help)\n", result.err);
    }
}
