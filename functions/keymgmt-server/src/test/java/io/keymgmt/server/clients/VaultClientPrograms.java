package io.keymgmt.server.clients;

import static org.junit.jupiter.api.Assertions.fail;

import io.keymgmt.server.LocalStackResource;
import io.keymgmt.testkit.LocalKeyVaults;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The public Vault clients pinned in src/test/clients, prepared once per build under target/clients
 * (a venv installed by hash; a Go binary built with -mod=readonly against the committed go.sum) and
 * run as child processes that drive the README's session against a running API and check every
 * answer themselves. A missing python3 or go fails with what to install: a client check that did not
 * run is not reported as passed.
 */
public final class VaultClientPrograms {

    private static final Logger LOG = Logger.getLogger(VaultClientPrograms.class);
    private static final Duration PREPARE_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    private static final Path MODULE = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path CLIENTS = MODULE.resolve("src/test/clients");
    private static final Path WORK = MODULE.resolve("target/clients");

    private VaultClientPrograms() {
    }

    /** Runs hvac's session against the API at {@code port} with {@code token} as VAULT_TOKEN; fails unless it passed. */
    public static void hvacSession(int port, String token) throws IOException, InterruptedException {
        Path python3 = onPath("python3").orElseThrow(() -> new AssertionError(
                "python3 is not on the PATH: install Python 3.8 or newer with its venv module (Debian: apt-get install"
                        + " python3 python3-venv), which this test needs to run hvac, the Python Vault client"));
        Path venv = WORK.resolve("python-venv");
        Path python = venv.resolve("bin/python");
        Path requirements = CLIENTS.resolve("python/requirements.txt");
        String wanted = sha256(requirements);
        Path marker = venv.resolve("requirements.sha256");

        long start = System.nanoTime();
        String how;
        if (Files.isExecutable(python) && Files.isRegularFile(marker) && Files.readString(marker).equals(wanted)) {
            how = "venv reused";
        } else {
            deleteTree(venv);
            Files.createDirectories(WORK);
            run("python-venv", List.of(python3.toString(), "-m", "venv", venv.toString()), WORK, Map.of(),
                    PREPARE_TIMEOUT);
            run("pip-install", List.of(python.toString(), "-m", "pip", "install", "--require-hashes",
                    "--only-binary=:all:", "--disable-pip-version-check", "--no-input", "-r", requirements.toString()),
                    WORK, Map.of(), PREPARE_TIMEOUT);
            Files.writeString(marker, wanted);
            how = "venv created";
        }
        long prepared = System.nanoTime();
        String out = run("hvac-session", List.of(python.toString(), CLIENTS.resolve("python/session.py").toString()),
                WORK, sessionEnvironment(port, token), RUN_TIMEOUT);
        long ran = System.nanoTime();
        LOG.infof("hvac: prepare %.1f s (%s), run %.1f s: %s (transcript in %s)", seconds(start, prepared), how,
                seconds(prepared, ran), passed("hvac-session", out, "hvac 2.4.0 session passed"),
                WORK.resolve("hvac-session.log"));
    }


    /** Runs HashiCorp's Go client's session against the API at {@code port} with {@code token}; fails unless it passed. */
    public static void goSession(int port, String token) throws IOException, InterruptedException {
        Path go = onPath("go").orElseThrow(() -> new AssertionError(
                "go is not on the PATH: install Go 1.24 or newer (https://go.dev/doc/install; the tests fetch"
                        + " github.com/hashicorp/vault/api from the Go module proxy), which this test needs to run"
                        + " HashiCorp's Go Vault client"));
        Path binary = WORK.resolve("vaultclient");
        Files.createDirectories(WORK);

        long start = System.nanoTime();
        run("go-build", List.of(go.toString(), "build", "-mod=readonly", "-buildvcs=false", "-trimpath", "-o",
                binary.toString(), "."), CLIENTS.resolve("go"), Map.of(), PREPARE_TIMEOUT);
        long prepared = System.nanoTime();
        String out = run("vault-api-session", List.of(binary.toString()), WORK, sessionEnvironment(port, token), RUN_TIMEOUT);
        long ran = System.nanoTime();
        LOG.infof("vault/api: prepare %.1f s (go build), run %.1f s: %s (transcript in %s)", seconds(start, prepared),
                seconds(prepared, ran), passed("vault-api-session", out, "vault/api session passed"),
                WORK.resolve("vault-api-session.log"));
    }

    /** What a client program needs: the CLI's VAULT_ADDR and VAULT_TOKEN, and the stack's facts. */
    private static Map<String, String> sessionEnvironment(int port, String token) {
        return Map.of(
                "VAULT_ADDR", "http://127.0.0.1:" + port,
                "VAULT_TOKEN", token,
                "KEYMGMT_TENANT_ID", LocalKeyVaults.TENANT_ID,
                "KEYMGMT_VAULT_1", LocalKeyVaults.DEMO_VAULTS.get(0),
                "KEYMGMT_VAULT_2", LocalKeyVaults.DEMO_VAULTS.get(1),
                "KEYMGMT_SP_CLIENT_ID", LocalKeyVaults.SERVICE_PRINCIPAL_CLIENT_ID,
                "KEYMGMT_SP_CLIENT_SECRET", LocalStackResource.vaults().servicePrincipalSecret(),
                "NO_PROXY", "127.0.0.1,localhost",
                "no_proxy", "127.0.0.1,localhost");
    }

    /**
     * Runs a command to its end within the timeout and returns its output (stdout and stderr, also
     * kept in target/clients/{@code what}.log), or fails with that output. The environment is
     * inherited, less any VAULT_* variable, plus {@code env}.
     */
    private static String run(String what, List<String> command, Path dir, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        Files.createDirectories(WORK);
        Path log = WORK.resolve(what + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().keySet().removeIf(name -> name.startsWith("VAULT_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        boolean finished = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        if (!finished) {
            fail(what + " did not finish within " + timeout.toSeconds() + " s: " + String.join(" ", command)
                    + "\n" + out);
        }
        if (process.exitValue() != 0) {
            fail(what + " failed with exit code " + process.exitValue() + ": " + String.join(" ", command) + "\n" + out);
        }
        return out;
    }

    /** The program's closing line, which must say it passed. */
    private static String passed(String what, String out, String prefix) {
        String[] lines = out.strip().split("\n");
        String last = lines[lines.length - 1];
        if (!last.startsWith(prefix)) {
            fail(what + " exited 0 but its last line does not start with \"" + prefix + "\":\n" + out);
        }
        return last;
    }

    private static Optional<Path> onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, command)).filter(Files::isExecutable).findFirst();
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path p : paths) {
            try {
                Files.delete(p);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot clear " + dir, e);
            }
        }
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }
}
