package io.keymgmt.hosting;

import static io.keymgmt.http.routes.FunctionApp.DELETION;
import static io.keymgmt.http.routes.FunctionApp.KEY_DISTRIBUTION;
import static io.keymgmt.http.routes.FunctionApp.PROVIDER_CONFIGURATION;
import static io.keymgmt.http.routes.FunctionApp.ROTATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keymgmt.http.rotation.RotationFunctions;
import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.http.routes.Route;
import io.keymgmt.http.routes.Routes;
import io.keymgmt.http.routes.Verb;
import io.keymgmt.testkit.LocalKeyVaults;
import io.keymgmt.testkit.VaultInspector;
import io.keymgmt.testkit.VaultInspector.AzureKeyVersion;
import io.keymgmt.testkit.functions.InvocationResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The product as deployed: four function apps, each packaged as it ships, each with an identity that
 * holds exactly its declared Key Vault permissions, and nothing else. The whole life cycle of a key
 * across two vaults is driven through the apps that own each step, so every route of every app is
 * called and must pass with only those permissions; every app refuses the others' routes with
 * Vault's 404. Requests use only what the Functions host routes: GET ?list=true, never LIST.
 */
class LeastPrivilegeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @EnumSource(Packaging.class)
    void everyRouteOfEveryAppPassesWithExactlyItsPermissions(Packaging packaging) {
        try (Deployment d = Deployment.start(packaging)) {
            String hsm = "p-hsm-" + suffix();
            String software = "p-sw-" + suffix();
            String key = "k-" + suffix();
            Set<String> called = new TreeSet<>();

            // Provider configuration: no Key Vault permission at all.
            expect(d, PROVIDER_CONFIGURATION, "POST", "kms/" + hsm, providerBody(Deployment.VAULTS.get(0)), 204, called);
            expect(d, PROVIDER_CONFIGURATION, "PUT", "kms/" + software, providerBody(Deployment.VAULTS.get(1)), 204, called);
            JsonNode provider = json(expect(d, PROVIDER_CONFIGURATION, "GET", "kms/" + hsm, null, 200, called));
            assertEquals(Deployment.VAULTS.get(0), provider.at("/data/key_collection").asText());
            assertEquals("azurekeyvault", provider.at("/data/provider").asText());
            assertTrue(provider.at("/data/credentials").isMissingNode());
            JsonNode providers = json(expect(d, PROVIDER_CONFIGURATION, "GET", "kms?list=true", null, 200, called));
            assertTrue(texts(providers.at("/data/keys")).containsAll(List.of(hsm, software)), providers.toString());

            // Key creation and distribution: create, get, import, update.
            expect(d, KEY_DISTRIBUTION, "POST", "key/" + key, "{\"type\":\"rsa-2048\"}", 204, called);
            expect(d, KEY_DISTRIBUTION, "POST", "kms/" + hsm + "/key/" + key,
                    "{\"purpose\":\"encrypt,decrypt\",\"protection\":\"hsm\"}", 204, called);
            expect(d, KEY_DISTRIBUTION, "PUT", "kms/" + software + "/key/" + key,
                    "{\"purpose\":[\"sign\",\"verify\"],\"protection\":\"software\"}", 204, called);
            expect(d, KEY_DISTRIBUTION, "POST", "key/" + key + "/rotate", null, 204, called);
            expect(d, KEY_DISTRIBUTION, "PUT", "key/" + key + "/rotate", null, 204, called);
            expect(d, KEY_DISTRIBUTION, "PUT", "key/" + key, "{\"min_enabled_version\":\"2\"}", 204, called);
            JsonNode read = json(expect(d, KEY_DISTRIBUTION, "GET", "key/" + key, null, 200, called));
            assertEquals(3, read.at("/data/latest_version").asInt());
            assertEquals(Set.of("2", "3"), fieldNames(read.at("/data/versions")));
            JsonNode distribution = json(expect(d, KEY_DISTRIBUTION, "GET", "kms/" + hsm + "/key/" + key, null, 200,
                    called));
            assertEquals("active", distribution.at("/data/state").asText(), distribution.toString());
            assertEquals(Set.of("1", "2", "3"), fieldNames(distribution.at("/data/versions")));
            String azureName = distribution.at("/data/name").asText();
            assertEquals(List.of(key), texts(json(expect(d, KEY_DISTRIBUTION, "GET", "kms/" + hsm + "/key?list=true",
                    null, 200, called)).at("/data/keys")));
            assertEquals(List.of(hsm, software).stream().sorted().toList(), texts(json(expect(d, KEY_DISTRIBUTION, "GET",
                    "key/" + key + "/kms?list=true", null, 200, called)).at("/data/keys")));
            assertTrue(texts(json(expect(d, KEY_DISTRIBUTION, "GET", "key?list=true", null, 200, called))
                    .at("/data/keys")).contains(key));

            // What happened in the vault, seen through Key Vault's own API: three HSM versions, the
            // first disabled by min_enabled_version.
            VaultInspector inspector = d.vaults().inspector();
            List<AzureKeyVersion> versions = inspector.versions(Deployment.VAULTS.get(0), azureName);
            assertEquals(3, versions.size());
            assertEquals(1, versions.stream().filter(v -> !v.enabled()).count());
            assertTrue(versions.stream().allMatch(v -> v.keyType().equals("RSA-HSM")));

            // Rotation: with exactly its permissions, the rotation app rotates a key that fell due, once, into
            // every vault the key is in. Its functions are invoked with the host's payloads.
            expect(d, KEY_DISTRIBUTION, "POST", "key/" + key, "{\"auto_rotate_period\":\"1s\"}", 204, called);
            sleep(1200);
            InvocationResult fired = d.host(ROTATION).invoke(RotationFunctions.TIMER, HostPayloads.timerData(),
                    HostPayloads.timerMetadata(RotationFunctions.TIMER));
            assertTrue(fired.succeeded(), fired.body() + "\n" + d.host(ROTATION).outputTail(30));
            List<String> work = d.takeRotationWork(key);
            assertEquals(1, work.size(), "the timer queued the due key once: " + work);
            for (int delivery = 1; delivery <= 2; delivery++) {
                InvocationResult done = d.host(ROTATION).invoke(RotationFunctions.QUEUE, HostPayloads.queueData(work.get(0)),
                        HostPayloads.queueMetadata(RotationFunctions.QUEUE, "m-" + suffix(), delivery));
                assertTrue(done.succeeded(), done.body() + "\n" + d.host(ROTATION).outputTail(30));
            }
            expect(d, KEY_DISTRIBUTION, "PUT", "key/" + key, "{\"auto_rotate_period\":0}", 204, called);
            assertEquals(4, json(expect(d, KEY_DISTRIBUTION, "GET", "key/" + key, null, 200, called))
                    .at("/data/latest_version").asInt(), "one new version for two deliveries");
            assertEquals(Set.of("1", "2", "3", "4"), fieldNames(json(expect(d, KEY_DISTRIBUTION, "GET",
                    "kms/" + software + "/key/" + key, null, 200, called)).at("/data/versions")));
            assertEquals(4, inspector.versions(Deployment.VAULTS.get(0), azureName).size());

            // Workflow actions, each through the app that owns its permissions: the key-distribution app
            // records and queues a rotation, the rotation app's queue function does it, and any app that
            // records operations answers the poll.
            HttpResponse<String> started = d.call(KEY_DISTRIBUTION, "POST", "/actions/rotate-key",
                    "{\"key\":\"" + key + "\"}");
            assertEquals(202, started.statusCode(), started.body() + "\n" + d.host(KEY_DISTRIBUTION).outputTail(30));
            String operation = json(started).get("id").asText();
            assertTrue(started.headers().firstValue("Location").orElseThrow().endsWith("/actions/operations/" + operation));
            List<String> queued = d.takeRotationWork(operation);
            assertEquals(1, queued.size(), "the operation is queued once: " + queued);
            InvocationResult performed = d.host(ROTATION).invoke(RotationFunctions.QUEUE,
                    HostPayloads.queueData(queued.get(0)), HostPayloads.queueMetadata(RotationFunctions.QUEUE,
                    "m-" + suffix(), 1));
            assertTrue(performed.succeeded(), performed.body() + "\n" + d.host(ROTATION).outputTail(30));
            JsonNode ended = json(d.call(KEY_DISTRIBUTION, "GET", "/actions/operations/" + operation, null));
            assertEquals("succeeded", ended.get("status").asText(), ended.toString());
            assertEquals(5, ended.get("version").asInt());
            assertEquals(2, ended.at("/progress/vaults_done").asInt());
            assertEquals(5, inspector.versions(Deployment.VAULTS.get(0), azureName).size());
            JsonNode removed = json(d.call(DELETION, "POST", "/actions/remove-key", "{\"key\":\"" + key
                    + "\",\"provider\":\"" + hsm + "\"}"));
            assertEquals("succeeded", removed.get("status").asText(), removed.toString() + "\n"
                    + d.host(DELETION).outputTail(30));
            assertTrue(inspector.isSoftDeleted(Deployment.VAULTS.get(0), azureName), "removed with delete alone");
            assertTrue(texts(json(d.call(PROVIDER_CONFIGURATION, "POST", "/actions/list-providers", "{}"))
                    .get("providers")).contains(hsm));
            HttpResponse<String> notHere = d.call(DELETION, "POST", "/actions/rotate-key", "{}");
            assertEquals(404, notHere.statusCode(), notHere.body());
            assertTrue(notHere.body().contains("keymgmt-key-distribution"), notHere.body());

            // Every app refuses the routes of the others, Vault-style.
            for (FunctionApp app : FunctionApp.values()) {
                if (app == ROTATION && packaging == Packaging.CUSTOM_HANDLER) {
                    // No HTTP function at all: the host answers every request 404 (RotationHostingTest covers it).
                    assertEquals(404, d.call(app, "GET", "/v1/keymgmt/key?list=true", null).statusCode());
                    continue;
                }
                for (Route route : Routes.all()) {
                    if (route.app() != app) {
                        assertOtherAppsRoute(d, app, route, key, hsm);
                    }
                }
                assertEquals(200, d.call(app, "GET", "/v1/sys/health", null).statusCode());
            }

            // Deletion: delete only.
            expect(d, DELETION, "DELETE", "kms/" + hsm + "/key/" + key, null, 204, called);
            expect(d, DELETION, "DELETE", "kms/" + software + "/key/" + key, null, 204, called);
            assertTrue(inspector.isSoftDeleted(Deployment.VAULTS.get(0), azureName));
            expect(d, KEY_DISTRIBUTION, "POST", "key/" + key, "{\"deletion_allowed\":true}", 204, called);
            expect(d, DELETION, "DELETE", "key/" + key, null, 204, called);
            expect(d, DELETION, "DELETE", "kms/" + hsm, null, 204, called);
            expect(d, DELETION, "DELETE", "kms/" + software, null, 204, called);
            expect(d, KEY_DISTRIBUTION, "GET", "key/" + key, null, 404, called);

            // And the identity in effect is the app's own: take one permission from key-distribution's
            // identity alone, and the step that needs it fails, naming it.
            String lacking = "k-" + suffix();
            d.vaults().emulator().setPermissions(Deployment.VAULTS.get(1), Deployment.clientId(KEY_DISTRIBUTION),
                    "create", "get", "update");
            expect(d, PROVIDER_CONFIGURATION, "POST", "kms/" + software, providerBody(Deployment.VAULTS.get(1)), 204, called);
            expect(d, KEY_DISTRIBUTION, "POST", "key/" + lacking, null, 204, called);
            HttpResponse<String> refused = d.call(KEY_DISTRIBUTION, "POST", "/v1/keymgmt/kms/" + software + "/key/" + lacking,
                    "{\"purpose\":\"sign\",\"protection\":\"software\"}");
            assertEquals(403, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("keys/import permission"), refused.body());

            Set<String> everyRoute = new TreeSet<>();
            for (Route route : Routes.all()) {
                everyRoute.add(route.app() + " " + route.verb() + " " + route.template());
            }
            assertEquals(everyRoute, called, "the scenario must call every route of every app");
            assertTrue(Routes.servedBy(EnumSet.of(ROTATION)).isEmpty());
        }
    }

    /** Another app's route: 404 from the app, or from the host where the method is not the app's at all. */
    private static void assertOtherAppsRoute(Deployment d, FunctionApp app, Route route, String key, String provider) {
        String path = "/v1/keymgmt/" + route.template().replace("{name}", route.template().startsWith("kms")
                ? provider : key).replace("{key_name}", key) + (route.verb() == Verb.LIST ? "?list=true" : "");
        String method = route.verb() == Verb.LIST ? "GET" : route.verb().httpMethods().get(0);
        HttpResponse<String> response = d.call(app, method, path, route.verb() == Verb.WRITE ? "{}" : null);
        String context = app.appName() + " answered " + method + " " + path + " with " + response.statusCode() + " "
                + response.body();
        assertEquals(404, response.statusCode(), context);
        if (!response.body().isEmpty()) {
            // The app's own answer (the host's is an empty 404 for a method the app's function does not take).
            JsonNode errors = json(response).get("errors");
            assertTrue(errors.get(0).asText().contains(route.app().appName()), context);
        }
    }

    private static HttpResponse<String> expect(Deployment d, FunctionApp app, String method, String below, String body,
            int status, Set<String> called) {
        HttpResponse<String> response = d.call(app, method, "/v1/keymgmt/" + below, body);
        assertEquals(status, response.statusCode(), app.appName() + " " + method + " " + below + ": " + response.body()
                + "\n" + d.host(app).outputTail(30));
        String template = below.replaceAll("\\?.*", "");
        boolean list = below.endsWith("?list=true");
        Verb verb = Verb.of(method, list).orElseThrow();
        for (Route route : Routes.all()) {
            if (route.app() == app && route.verb() == verb && route.matches(List.of(template.split("/")))) {
                called.add(route.app() + " " + route.verb() + " " + route.template());
            }
        }
        return response;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String providerBody(String vault) {
        return "{\"provider\":\"azurekeyvault\",\"key_collection\":\"" + vault + "\",\"credentials\":{\"tenant_id\":\""
                + LocalKeyVaults.TENANT_ID + "\"}}";
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    private static List<String> texts(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static Set<String> fieldNames(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
