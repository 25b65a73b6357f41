package io.keymgmt.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** The standalone process: ready file, a usable reader token, clean stop on SIGTERM, exit 2 on bad config. */
class MainTest {

    private static final String CONFIG = """
            {
              "tenantId": "%s",
              "reader": "reader-app",
              "managedIdentity": {"header": "local-identity-header"},
              "servicePrincipals": [
                {"clientId": "reader-app", "objectId": "reader-oid", "secret": "reader-secret"},
                {"clientId": "deployer", "objectId": "deployer-oid", "secret": "deployer-secret"}
              ],
              "systemAssignedIdentity": {"objectId": "func-oid", "clientId": "func-app"},
              "vaults": [
                {"name": "kv-main-one", "location": "westeurope",
                 "accessPolicies": {"deployer": ["create", "get", "import", "update"]}},
                {"name": "kv-main-two", "throttleLimit": 10}
              ]
            }
            """.formatted(TestDirectory.TENANT);

    @TempDir
    Path dir;

    @Test
    void writesAUsableReadyFileAndStopsOnSigterm() throws Exception {
        Path config = Files.writeString(dir.resolve("emulator.json"), CONFIG);
        Path ready = dir.resolve("ready.json");
        Process process = start("--config", config.toString(), "--ready-file", ready.toString());
        try {
            waitFor(ready, process);
            JsonNode doc = RestCalls.JSON.readTree(Files.readString(ready));
            assertEquals(TestDirectory.TENANT, doc.path("tenantId").asText());
            assertEquals("local-identity-header", doc.path("managedIdentityHeader").asText());
            assertTrue(doc.path("authorityHost").asText().startsWith("https://127.0.0.1:"), doc.toString());
            assertTrue(doc.path("managedIdentityEndpoint").asText().matches("http://127\\.0\\.0\\.1:\\d+/msi/token"));
            Path ca = Path.of(doc.path("caCertificate").asText());
            assertEquals(dir.resolve("ready-ca.pem").toAbsolutePath(), ca);
            String pem = Files.readString(ca);
            assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----"), pem);

            URI one = URI.create(doc.path("vaults").path("kv-main-one").asText());
            URI two = URI.create(doc.path("vaults").path("kv-main-two").asText());
            HttpClient client = HttpClient.newBuilder().sslContext(SdkClients.trusting(pem)).build();
            String reader = doc.path("readerToken").asText();
            for (URI vault : List.of(one, two)) {
                HttpResponse<String> list = client.send(HttpRequest.newBuilder(URI.create(vault + "/keys?api-version=7.4"))
                        .header("Authorization", "Bearer " + reader).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, list.statusCode(), list.body());
                assertEquals("{\"value\":[],\"nextLink\":null}", list.body());
            }
            HttpResponse<String> create = client.send(HttpRequest.newBuilder(URI.create(one
                    + "/keys/not-for-readers/create?api-version=7.4")).header("Authorization", "Bearer " + reader)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"kty\":\"RSA\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, create.statusCode(), "the reader reads, nothing more");

            process.destroy();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the emulator must stop on SIGTERM");
            assertEquals(143, process.exitValue(), "128 + SIGTERM: stopped by the signal, after its shutdown hook");
            assertFalse(Files.exists(ready), "the ready file is removed on stop");
            assertFalse(accepts(one), "the vault listener must be closed");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void badConfigurationIsOneLineOnStderrAndExitStatus2() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.json"), CONFIG.replace("\"reader\":", "\"raeder\":"));
        assertFailsWith(List.of("--config", config.toString(), "--ready-file", dir.resolve("r.json").toString()),
                "keyvault-emulator: bad configuration in " + config + ": the configuration has an unknown field "
                        + "'raeder'");
        Path badPermission = Files.writeString(dir.resolve("perm.json"), CONFIG.replace("\"update\"", "\"updat\""));
        assertFailsWith(List.of("--config", badPermission.toString(), "--ready-file", dir.resolve("r.json").toString()),
                "unknown key permission 'updat'");
        assertFailsWith(List.of("--config", dir.resolve("missing.json").toString(), "--ready-file", "r.json"),
                "does not exist");
        assertFailsWith(List.of("--config", "only-this.json"), "usage: --config <file.json> --ready-file <out.json>");
        assertFalse(Files.exists(dir.resolve("r.json")));
    }

    private void assertFailsWith(List<String> args, String expected) throws Exception {
        Process process = start(args.toArray(String[]::new));
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "a bad configuration must end the process");
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, process.exitValue(), stderr);
        List<String> lines = stderr.lines().toList();
        assertEquals(1, lines.size(), stderr);
        assertTrue(lines.get(0).startsWith("keyvault-emulator: "), stderr);
        assertTrue(lines.get(0).contains(expected), stderr);
    }

    private Process start(String... args) throws IOException {
        // Surefire puts the test class path in this property; java.class.path may be its manifest-only jar.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(dir.resolve("stdout.txt").toFile()).start();
    }

    private static void waitFor(Path ready, Process process) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!Files.exists(ready)) {
            if (!process.isAlive()) {
                fail("the emulator exited with " + process.exitValue() + ": "
                        + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            if (Instant.now().isAfter(deadline)) {
                fail("no ready file after 60 s");
            }
            Thread.sleep(50);
        }
    }

    private static boolean accepts(URI uri) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2000);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
