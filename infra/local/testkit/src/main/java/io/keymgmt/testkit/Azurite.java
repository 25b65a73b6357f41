package io.keymgmt.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Azure Storage emulator, Azurite, from npm (version pinned by
 * infra/local/azurite/package-lock.json), as a child process with its table, queue and blob services
 * on free loopback ports and in-memory storage. Installs it with {@code npm ci} on first use, so a fresh clone needs only Node and npm.
 */
public final class Azurite implements AutoCloseable {

    /** Azurite's well-known development account; not a secret. */
    public static final String ACCOUNT = "devstoreaccount1";
    public static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static Azurite shared;

    private final Process process;
    private final int port;
    private final int queuePort;
    private final int blobPort;

    private Azurite(Process process, int port, int queuePort, int blobPort) {
        this.process = process;
        this.port = port;
        this.queuePort = queuePort;
        this.blobPort = blobPort;
    }

    /**
     * One Azurite per test JVM, stopped when the JVM exits. Tests isolate themselves with their own
     * table names, which is cheaper than a process per test class.
     */
    public static synchronized Azurite shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = start();
            Azurite started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "azurite-stop"));
        }
        return shared;
    }

    public static Azurite start() {
        Path dir = RepositoryRoot.locate().resolve("infra/local/azurite");
        Path executable = ensureInstalled(dir);
        IOException last = null;
        // A free port can be taken between our probe and Azurite's bind; try a few.
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            int queuePort = freePort();
            int blobPort = freePort();
            try {
                Path log = Files.createTempFile("azurite-" + port + "-", ".log");
                Process process = new ProcessBuilder(List.of(executable.toString(),
                        "--tableHost", "127.0.0.1", "--tablePort", Integer.toString(port),
                        "--queueHost", "127.0.0.1", "--queuePort", Integer.toString(queuePort),
                        "--blobHost", "127.0.0.1", "--blobPort", Integer.toString(blobPort),
                        "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck"))
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                if (awaitListening(process, port) && awaitListening(process, queuePort)) {
                    return new Azurite(process, port, queuePort, blobPort);
                }
                process.destroyForcibly();
                last = new IOException("Azurite did not start on port " + port + "; its log: " + log
                        + System.lineSeparator() + Files.readString(log));
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("cannot start Azurite", last);
    }

    public int port() {
        return port;
    }

    public String tableEndpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    public String queueEndpoint() {
        return "http://127.0.0.1:" + queuePort + "/" + ACCOUNT;
    }

    /** The account with its table, queue and blob endpoints, as AzureWebJobsStorage and the apps take it. */
    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + ACCOUNT_KEY
                + ";TableEndpoint=" + tableEndpoint() + ";QueueEndpoint=" + queueEndpoint()
                + ";BlobEndpoint=http://127.0.0.1:" + blobPort + "/" + ACCOUNT + ";";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Runs {@code npm ci} once, under a file lock so parallel test JVMs do not install twice. */
    static Path ensureInstalled(Path dir) {
        Path executable = dir.resolve("node_modules/.bin/azurite");
        if (Files.isExecutable(executable)) {
            return executable;
        }
        try (FileChannel channel = FileChannel.open(dir.resolve(".install.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            if (!Files.isExecutable(executable)) {
                Path log = Files.createTempFile("azurite-npm-ci-", ".log");
                // --ignore-scripts: Azurite needs no install scripts, and skipping them keeps the
                // install reproducible and offline-safe once the tarballs are cached.
                Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
                        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (!npm.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    npm.destroyForcibly();
                    throw new IllegalStateException("npm ci for Azurite did not finish in " + INSTALL_TIMEOUT);
                }
                if (npm.exitValue() != 0 || !Files.isExecutable(executable)) {
                    throw new IllegalStateException("npm ci for Azurite failed (exit " + npm.exitValue() + "): "
                            + Files.readString(log));
                }
            }
            return executable;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install Azurite in " + dir + " (are node and npm on the PATH?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing Azurite", e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean awaitListening(Process process, int port) throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                return false;
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for Azurite", e);
                }
            }
        }
        return false;
    }
}
