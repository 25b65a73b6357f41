package io.keymgmt.hosting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keymgmt.http.hosting.HttpFunction;
import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.http.rotation.RotationFunctions;
import io.keymgmt.http.rotation.RotationQueue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The host.json and function.json files each packaging writes, as the Functions host will read them. */
class FunctionFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @EnumSource(FunctionApp.class)
    void javaWorkerFolderKeepsVaultPathsAndRoutesEveryMethodVaultClientsSend(FunctionApp app) throws IOException {
        Path folder = Packaging.JAVA_WORKER.folder(app);
        JsonNode host = read(folder.resolve("host.json"));
        assertHostBasics(host);
        assertTrue(host.path("customHandler").isMissingNode(), "the Java worker runs no custom handler");

        JsonNode function = read(folder.resolve("QuarkusHttp/function.json"));
        assertEquals("io.quarkus.azure.functions.resteasy.runtime.Function.run", function.get("entryPoint").asText());
        Path jar = folder.resolve("QuarkusHttp").resolve(function.get("scriptFile").asText()).normalize();
        assertTrue(Files.isRegularFile(jar), "the scriptFile " + jar + " is in the folder");
        JsonNode trigger = function.get("bindings").get(0);
        assertEquals("httpTrigger", trigger.get("type").asText());
        assertEquals("{*path}", trigger.get("route").asText());
        assertEquals("ANONYMOUS", trigger.get("authLevel").asText().toUpperCase(Locale.ROOT));
        assertEquals("binary", trigger.get("dataType").asText());
        assertTrue(upper(trigger.get("methods")).containsAll(List.of("GET", "POST", "PUT", "DELETE")),
                trigger.get("methods").toString());
        assertTrue(!upper(trigger.get("methods")).contains("LIST"), "Azure routes no LIST verb");
        if (app != FunctionApp.ROTATION) {
            assertEquals(1, functionFolders(folder).size(), "one HTTP function: " + functionFolders(folder));
        }
    }

    @ParameterizedTest
    @EnumSource(value = FunctionApp.class, names = "ROTATION", mode = EnumSource.Mode.EXCLUDE)
    void customHandlerFolderProxiesTheAppsOwnMethodsToItsExecutable(FunctionApp app) throws IOException {
        Path folder = Packaging.CUSTOM_HANDLER.folder(app);
        JsonNode host = read(folder.resolve("host.json"));
        assertHostBasics(host);
        JsonNode handler = host.get("customHandler");
        assertTrue(handler.get("enableProxyingHttpRequest").asBoolean(), "every function is HTTP-only");
        Path executable = folder.resolve(handler.at("/description/defaultExecutablePath").asText());
        assertTrue(Files.isExecutable(executable), executable + " is executable");

        JsonNode function = read(folder.resolve(HttpFunction.NAME).resolve("function.json"));
        JsonNode trigger = function.get("bindings").get(0);
        assertEquals("httpTrigger", trigger.get("type").asText());
        assertEquals("{*path}", trigger.get("route").asText());
        assertEquals("anonymous", trigger.get("authLevel").asText());
        List<String> expected = new ArrayList<>(List.of("GET"));
        switch (app) {
            case PROVIDER_CONFIGURATION, KEY_DISTRIBUTION -> expected.addAll(List.of("POST", "PUT"));
            case DELETION -> expected.addAll(List.of("DELETE", "POST")); // POST: the remove-key workflow action
            default -> throw new AssertionError(app + " has no HTTP function");
        }
        assertEquals(expected, upper(trigger.get("methods")));
        assertEquals("http", function.get("bindings").get(1).get("type").asText());
        assertEquals(List.of(HttpFunction.NAME), functionFolders(folder));
    }

    @Test
    void theRotationCustomHandlerHasATimerAndAQueueFunctionAndProxiesNothing() throws IOException {
        Path folder = Packaging.CUSTOM_HANDLER.folder(FunctionApp.ROTATION);
        JsonNode host = read(folder.resolve("host.json"));
        assertEquals("2.0", host.get("version").asText());
        assertEquals("[4.*, 5.0.0)", host.at("/extensionBundle/version").asText());
        assertTrue(!host.at("/customHandler/enableProxyingHttpRequest").asBoolean(false), "no HTTP function to proxy");
        assertQueueSettings(host);
        assertTrue(Files.isExecutable(folder.resolve(host.at("/customHandler/description/defaultExecutablePath").asText())));
        assertEquals(List.of(RotationFunctions.QUEUE, RotationFunctions.TIMER), functionFolders(folder));
        assertTriggers(folder);
    }

    @Test
    void theRotationJavaWorkerHasTheSameTriggersBesideQuarkusHttp() throws IOException {
        Path folder = Packaging.JAVA_WORKER.folder(FunctionApp.ROTATION);
        assertQueueSettings(read(folder.resolve("host.json")));
        assertEquals(List.of("QuarkusHttp", RotationFunctions.QUEUE, RotationFunctions.TIMER), functionFolders(folder));
        assertTriggers(folder);
        JsonNode queue = read(folder.resolve(RotationFunctions.QUEUE).resolve("function.json"));
        assertEquals("io.keymgmt.functions.rotation.RotationTriggers.queue", queue.get("entryPoint").asText());
    }

    private static void assertTriggers(Path folder) throws IOException {
        JsonNode timer = read(folder.resolve(RotationFunctions.TIMER).resolve("function.json")).get("bindings").get(0);
        assertEquals("timerTrigger", timer.get("type").asText());
        assertEquals("timer", timer.get("name").asText());
        assertEquals("%KEYMGMT_ROTATION_SCHEDULE%", timer.get("schedule").asText());
        assertTrue(!timer.path("runOnStartup").asBoolean(false));
        JsonNode queue = read(folder.resolve(RotationFunctions.QUEUE).resolve("function.json")).get("bindings").get(0);
        assertEquals("queueTrigger", queue.get("type").asText());
        assertEquals("message", queue.get("name").asText());
        assertEquals(RotationQueue.NAME, queue.get("queueName").asText());
        assertEquals("AzureWebJobsStorage", queue.get("connection").asText());
    }

    private static void assertQueueSettings(JsonNode host) {
        assertEquals(RotationQueue.MAX_DEQUEUE_COUNT, host.at("/extensions/queues/maxDequeueCount").asInt());
        assertEquals("base64", host.at("/extensions/queues/messageEncoding").asText());
    }

    private static void assertHostBasics(JsonNode host) {
        assertEquals("2.0", host.get("version").asText());
        assertEquals("", host.at("/extensions/http/routePrefix").asText("absent"), "Vault's /v1/... paths are kept");
        assertEquals("Microsoft.Azure.Functions.ExtensionBundle", host.at("/extensionBundle/id").asText());
        assertEquals("[4.*, 5.0.0)", host.at("/extensionBundle/version").asText());
    }

    private static List<String> functionFolders(Path folder) throws IOException {
        try (var entries = Files.list(folder)) {
            return entries.filter(p -> Files.isRegularFile(p.resolve("function.json")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> upper(JsonNode methods) {
        List<String> list = new ArrayList<>();
        methods.forEach(m -> list.add(m.asText().toUpperCase(Locale.ROOT)));
        return list;
    }

    private static JsonNode read(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }
}
