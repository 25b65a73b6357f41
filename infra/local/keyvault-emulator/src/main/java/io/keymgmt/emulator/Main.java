package io.keymgmt.emulator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.keymgmt.emulator.http.Exchanges;

/**
 * Runs the emulator as its own process for the local stack and for scripts:
 * {@code java -jar keymgmt-keyvault-emulator.jar --config <file.json> --ready-file <out.json>}.
 *
 * <p>Once every listener is up it writes the CA certificate next to the ready file and then the
 * ready file itself, atomically, so a script may wait for the ready file and read it at once. It
 * runs until SIGTERM/SIGINT, then stops its listeners and removes the ready file. A bad command line
 * or configuration prints one line to stderr and exits with status 2.
 */
public final class Main {

    static final int EXIT_BAD_CONFIG = 2;
    /** Long enough for a working day of poking around with curl. */
    static final Duration READER_TOKEN_LIFETIME = Duration.ofHours(24);

    private Main() {
    }

    public static void main(String[] args) {
        Path config = null;
        Path readyFile = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--config" -> config = value == null ? null : Path.of(value);
                case "--ready-file" -> readyFile = value == null ? null : Path.of(value);
                default -> fail("unknown argument '" + args[i] + "'; usage: --config <file.json> --ready-file <out.json>");
            }
            i++;
        }
        if (config == null || readyFile == null) {
            fail("usage: --config <file.json> --ready-file <out.json> (both are required)");
        }
        EmulatorConfig emulatorConfig;
        try {
            emulatorConfig = EmulatorConfig.fromJson(config);
        } catch (NoSuchFileException e) {
            fail("configuration file " + config + " does not exist");
            return;
        } catch (IOException e) {
            fail("could not read configuration file " + config + ": " + e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            fail("bad configuration in " + config + ": " + e.getMessage());
            return;
        }
        KeyVaultEmulator emulator;
        try {
            emulator = KeyVaultEmulator.start(emulatorConfig);
        } catch (RuntimeException e) {
            fail("could not start: " + e.getMessage());
            return;
        }
        Path ready = readyFile.toAbsolutePath();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            try {
                Files.deleteIfExists(ready);
            } catch (IOException e) {
                // The process is ending; a stale ready file names ports nobody listens on any more.
            }
            stopped.countDown();
        }, "keyvault-emulator-shutdown"));
        try {
            String name = ready.getFileName().toString().replaceFirst("\\.json$", "");
            Path caFile = ready.resolveSibling(name + "-ca.pem");
            KeyVaultEmulator.writeAtomically(caFile, emulator.caCertificatePem());
            KeyVaultEmulator.writeAtomically(ready, readyDocument(emulator, emulatorConfig, caFile));
        } catch (IOException | RuntimeException e) {
            emulator.close();
            fail("could not write the ready file " + ready + ": " + e.getMessage());
            return;
        }
        System.out.println("keyvault-emulator ready: vaults " + emulator.vaultNames() + ", authority "
                + emulator.authorityHost() + "; details in " + ready);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String readyDocument(KeyVaultEmulator emulator, EmulatorConfig config, Path caFile)
            throws JsonProcessingException {
        ObjectNode doc = Exchanges.JSON.createObjectNode();
        doc.put("tenantId", emulator.tenantId());
        doc.put("authorityHost", emulator.authorityHost().toString());
        doc.put("managedIdentityEndpoint", emulator.managedIdentityEndpoint().toString());
        doc.put("managedIdentityHeader", emulator.managedIdentityHeader());
        doc.put("caCertificate", caFile.toString());
        ObjectNode vaults = doc.putObject("vaults");
        emulator.vaultNames().forEach(name -> vaults.put(name, emulator.vaultUrl(name).toString()));
        config.readerClientId().ifPresent(reader -> doc.put("readerToken",
                emulator.issueToken(reader, config.tokenResource(), READER_TOKEN_LIFETIME)));
        return Exchanges.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n";
    }

    private static void fail(String message) {
        PrintStream err = System.err;
        err.println("keyvault-emulator: " + message.replace('\n', ' '));
        err.flush();
        System.exit(EXIT_BAD_CONFIG);
    }
}
