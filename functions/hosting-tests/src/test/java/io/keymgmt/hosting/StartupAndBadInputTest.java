package io.keymgmt.hosting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.testkit.Azurite;
import io.keymgmt.http.rotation.RotationFunctions;
import io.keymgmt.testkit.functions.FunctionsHost;
import io.keymgmt.testkit.functions.InvocationResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a deployment sees when an app setting is missing, and what a caller sees for a malformed request. */
class StartupAndBadInputTest {

    @TempDir
    Path work;

    @Test
    void aCustomHandlerWithoutASettingItNeedsStopsAtOnceWithOneLineNamingIt() {
        Map<String, String> settings = Map.of("FUNCTIONS_WORKER_RUNTIME", "custom", "PATH", System.getenv("PATH"),
                "JAVA_HOME", System.getProperty("java.home"), "KEYMGMT_API_TOKEN", "t",
                "KEYMGMT_SEAL_MODE", "local-file", "KEYMGMT_SEAL_LOCAL_KEY_FILE", work.resolve("seal.key").toString());
        Instant started = Instant.now();
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> FunctionsHost.options()
                .inheritEnvironment(false).startTimeout(Duration.ofSeconds(50))
                .start(Packaging.CUSTOM_HANDLER.folder(FunctionApp.DELETION), settings));
        assertTrue(Duration.between(started, Instant.now()).toSeconds() < 30, "it stopped at once");
        List<String> printed = Arrays.stream(refused.getMessage().split("\n"))
                .filter(line -> line.contains("KEYMGMT_STORAGE")).toList();
        assertEquals(1, printed.size(), refused.getMessage());
        assertTrue(printed.get(0).contains("keymgmt.storage.endpoint (KEYMGMT_STORAGE_ENDPOINT"), printed.get(0));
        assertTrue(!refused.getMessage().contains("\tat "), "no stack trace: " + refused.getMessage());
    }

    @Test
    void entraIdAuthenticationWithoutItsTenantStopsStartUpNamingTheSetting() {
        Map<String, String> settings = Map.of("FUNCTIONS_WORKER_RUNTIME", "custom", "PATH", System.getenv("PATH"),
                "JAVA_HOME", System.getProperty("java.home"), "KEYMGMT_API_AUTH", "entra-id",
                "KEYMGMT_API_ENTRA_AUDIENCE", "api://keymgmt",
                "KEYMGMT_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString(),
                "KEYMGMT_SEAL_MODE", "local-file", "KEYMGMT_SEAL_LOCAL_KEY_FILE", work.resolve("seal.key").toString());
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> FunctionsHost.options()
                .inheritEnvironment(false).startTimeout(Duration.ofSeconds(50))
                .start(Packaging.CUSTOM_HANDLER.folder(FunctionApp.DELETION), settings));
        assertTrue(refused.getMessage().contains("keymgmt.api.entra.tenant-id is required with "
                + "keymgmt.api.auth=entra-id (KEYMGMT_API_ENTRA_TENANT_ID"), refused.getMessage());
        assertTrue(!refused.getMessage().contains("\tat "), "no stack trace: " + refused.getMessage());
    }

    @Test
    void aCustomHandlerInvocationWithAMalformedPayloadIsA400AndTheHandlerKeepsServing() {
        Map<String, String> settings = Map.of("FUNCTIONS_WORKER_RUNTIME", "custom", "PATH", System.getenv("PATH"),
                "JAVA_HOME", System.getProperty("java.home"), "KEYMGMT_API_TOKEN", "t",
                "KEYMGMT_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString(),
                "KEYMGMT_STORAGE_TABLE_PREFIX", "inv" + Long.toHexString(System.nanoTime()),
                "KEYMGMT_SEAL_MODE", "local-file", "KEYMGMT_SEAL_LOCAL_KEY_FILE", work.resolve("seal.key").toString(),
                "KEYMGMT_ROTATION_SCHEDULE", "0 */5 * * * *");
        try (FunctionsHost host = FunctionsHost.options().inheritEnvironment(false)
                .start(Packaging.CUSTOM_HANDLER.folder(FunctionApp.ROTATION), settings)) {
            // No Data.message: the queue trigger's binding is missing.
            InvocationResult missing = host.invoke(RotationFunctions.QUEUE, Map.of("other", "x"),
                    HostPayloads.queueMetadata(RotationFunctions.QUEUE, "m1", 1));
            assertEquals(400, missing.statusCode(), missing.body());
            assertTrue(missing.logs().get(0).contains("Data.message"), missing.body());
            // A message that can never work is not a failed invocation: it goes to the poison queue.
            InvocationResult poisoned = host.invoke(RotationFunctions.QUEUE, HostPayloads.queueData("{\"kind\":\"explode\"}"),
                    HostPayloads.queueMetadata(RotationFunctions.QUEUE, "m2", 1));
            assertEquals(200, poisoned.statusCode(), poisoned.body());
            assertTrue(poisoned.logs().get(0).contains("keymgmt-rotation-poison"), poisoned.body());
            InvocationResult fired = host.invoke(RotationFunctions.TIMER, HostPayloads.timerData(),
                    HostPayloads.timerMetadata(RotationFunctions.TIMER));
            assertTrue(fired.succeeded(), fired.body());
            assertTrue(host.isAlive());
        }
    }

    @ParameterizedTest
    @EnumSource(Packaging.class)
    void aMalformedRequestIsA400WithAMessageAndTheAppKeepsServing(Packaging packaging) throws Exception {
        Map<String, String> settings = Map.of("FUNCTIONS_WORKER_RUNTIME", packaging.workerRuntime(),
                "PATH", System.getenv("PATH"), "JAVA_HOME", System.getProperty("java.home"),
                "KEYMGMT_API_TOKEN", "t", "KEYMGMT_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString(),
                "KEYMGMT_STORAGE_TABLE_PREFIX", "bad" + Long.toHexString(System.nanoTime()),
                "KEYMGMT_SEAL_MODE", "local-file", "KEYMGMT_SEAL_LOCAL_KEY_FILE", work.resolve("seal.key").toString());
        Files.createDirectories(work);
        try (FunctionsHost host = FunctionsHost.options().inheritEnvironment(false)
                .start(packaging.folder(FunctionApp.PROVIDER_CONFIGURATION), settings)) {
            HttpClient http = HttpClient.newHttpClient();
            URI provider = host.address().resolve("/v1/keymgmt/kms/p1");
            for (String body : List.of("{not json", "[1,2]", "{\"provider\":{\"nested\":true}}")) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(provider).header("X-Vault-Token", "t")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(400, response.statusCode(), body + " -> " + response.body());
                assertTrue(response.body().startsWith("{\"errors\":[\""), response.body());
            }
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(host.address().resolve("/v1/sys/health"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            assertTrue(host.isAlive());
        }
    }
}
