package io.keymgmt.server;

import static io.keymgmt.server.Api.read;
import static io.keymgmt.server.Api.unique;
import static io.keymgmt.server.Api.write;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.models.QueueMessageItem;
import io.keymgmt.http.rotation.RotationQueue;
import io.keymgmt.http.rotation.RotationTimer;
import io.keymgmt.http.rotation.RotationWorker;
import io.keymgmt.testkit.Azurite;
import io.keymgmt.testkit.LocalKeyVaults;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scheduled rotation against Azurite's queue service and the Key Vault emulator, with the timer and the
 * queue worker called as the Functions host calls them (the local runtime is off here, so the test
 * decides when each runs and sees every message on the real queue).
 */
@QuarkusTest
@TestProfile(ScheduledRotationTest.ShortPeriods.class)
@QuarkusTestResource(LocalStackResource.class)
class ScheduledRotationTest {

    /** Periods of seconds, so keys fall due within a test. */
    public static class ShortPeriods implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keymgmt.rotation.minimum-period", "1s", "keymgmt.rotation.retry-backoff", "1s",
                    "keymgmt.rotation.maximum-retry-backoff", "2s");
        }
    }

    @Inject
    RotationTimer timer;

    @Inject
    RotationWorker worker;

    @Test
    void aDueKeyRotatesOnceWhenTwoTimersFireAndItsMessageComesAgain() throws Exception {
        String provider = unique("rot-p");
        String key = unique("rot-k");
        Api.managedIdentityProvider(provider, LocalKeyVaults.DEMO_VAULTS.get(0));
        write("/v1/keymgmt/key/" + key, "{\"auto_rotate_period\":\"1s\"}").then().statusCode(204);
        write("/v1/keymgmt/kms/" + provider + "/key/" + key, "{\"purpose\":\"sign,verify\",\"protection\":\"software\"}")
                .then().statusCode(204);
        read("/v1/keymgmt/key/" + key).then().statusCode(200)
                .body("data.auto_rotate_period", equalTo(1))
                .body("data.last_rotated", matchesPattern("\\d{4}-\\d\\d-\\d\\dT.*Z"))
                .body("data.next_rotation", notNullValue());
        Thread.sleep(1200);

        timer.fire(Instant.now());
        timer.fire(Instant.now());
        List<QueueMessageItem> messages = take(key, 2);
        assertEquals(2, messages.size(), "each firing queues the due key once");
        for (QueueMessageItem m : messages) {
            assertTrue(m.getBody().toString().contains("\"expected_version\":1"), m.getBody().toString());
            worker.handle(m.getBody().toString(), m.getMessageId(), m.getDequeueCount());
        }
        // A third delivery of the same message, as at-least-once delivery allows.
        worker.handle(messages.get(0).getBody().toString(), messages.get(0).getMessageId(), 2);

        read("/v1/keymgmt/key/" + key).then().statusCode(200).body("data.latest_version", equalTo(2));
        Map<String, String> versions = Api.azureVersions(provider, key);
        assertEquals(List.of("1", "2"), List.copyOf(new java.util.TreeMap<>(versions).keySet()), "version 2 reached the vault");
        assertEquals(2, LocalStackResource.vaults().inspector().versions(LocalKeyVaults.DEMO_VAULTS.get(0),
                Api.azureName(provider, key)).size(), "one Azure version per version, no more");
    }

    @Test
    void aKeyNotYetDueOrWithoutAPeriodIsNotQueued() {
        String due = unique("rot-later");
        String off = unique("rot-off");
        write("/v1/keymgmt/key/" + due, "{\"auto_rotate_period\":\"720h\"}").then().statusCode(204);
        write("/v1/keymgmt/key/" + off, "{}").then().statusCode(204);
        read("/v1/keymgmt/key/" + off).then().body("data.auto_rotate_period", equalTo(0))
                .body("data.next_rotation", nullValue());

        timer.fire(Instant.now());

        assertEquals(0, take(due, 1).size());
        assertEquals(0, take(off, 1).size());
        read("/v1/keymgmt/key/" + due).then().body("data.latest_version", equalTo(1));
    }

    @Test
    void messagesThatCanNeverWorkGoToThePoisonQueueAndChangeNothing() {
        String key = unique("rot-poison");
        write("/v1/keymgmt/key/" + key, "{}").then().statusCode(204);
        for (String bad : List.of("{not json", "{\"kind\":\"explode\",\"key\":\"" + key + "\"}",
                "{\"kind\":\"rotate\",\"key\":\"" + key + "\",\"expected_version\":\"one\"}")) {
            RotationWorker.Handled handled = worker.handle(bad, "test-" + bad.hashCode(), 1);
            assertTrue(handled.poisoned(), bad);
            assertTrue(poison().stream().anyMatch(bad::equals), bad + " is in " + RotationQueue.POISON);
        }
        RotationWorker.Handled gone = worker.handle("{\"kind\":\"rotate\",\"key\":\"" + unique("deleted")
                + "\",\"expected_version\":1,\"due_at\":\"2026-01-01T00:00:00Z\"}", "test-gone", 1);
        assertTrue(!gone.poisoned() && gone.detail().startsWith("SKIPPED"), gone.detail());
        read("/v1/keymgmt/key/" + key).then().body("data.latest_version", equalTo(1));
    }

    @Test
    void aFailedDistributionIsFinishedByTheReconcilerOnceTheVaultWorksAgain() throws Exception {
        String vault = LocalKeyVaults.lackingVault("import");
        String provider = unique("rot-rec");
        String key = unique("rot-rec-k");
        Api.managedIdentityProvider(provider, vault);
        write("/v1/keymgmt/key/" + key, "{}").then().statusCode(204);
        write("/v1/keymgmt/kms/" + provider + "/key/" + key, "{\"purpose\":\"sign\",\"protection\":\"software\"}")
                .then().statusCode(403);
        read("/v1/keymgmt/kms/" + provider + "/key/" + key).then().body("data.last_error", notNullValue());
        try {
            LocalStackResource.vaults().emulator().setPermissions(vault, LocalKeyVaults.MANAGED_IDENTITY_CLIENT_ID,
                    LocalKeyVaults.MINIMUM_PERMISSIONS.toArray(String[]::new));
            Thread.sleep(1200); // the backoff of the first failure
            timer.fire(Instant.now());
            List<QueueMessageItem> messages = take(key, 1);
            assertEquals(1, messages.size(), "the reconciler queued the distribution left behind");
            assertTrue(messages.get(0).getBody().toString().contains("\"kind\":\"sync\""));
            worker.handle(messages.get(0).getBody().toString(), messages.get(0).getMessageId(), 1);
            read("/v1/keymgmt/kms/" + provider + "/key/" + key).then().statusCode(200)
                    .body("data.state", equalTo("active"))
                    .body("data.last_error", nullValue())
                    .body("data.versions.'1'", matchesPattern("[0-9a-f]{32}"));
        } finally {
            LocalStackResource.vaults().emulator().setPermissions(vault, LocalKeyVaults.MANAGED_IDENTITY_CLIENT_ID,
                    LocalKeyVaults.MINIMUM_PERMISSIONS.stream().filter(p -> !p.equals("import")).toArray(String[]::new));
        }
    }

    /** Takes (receives and deletes) up to {@code max} queued messages about {@code key}, leaving the others. */
    private static List<QueueMessageItem> take(String key, int max) {
        QueueClient queue = client(RotationQueue.NAME);
        List<QueueMessageItem> mine = new ArrayList<>();
        for (QueueMessageItem m : queue.receiveMessages(32, Duration.ofSeconds(2), null, null)) {
            if (m.getBody().toString().contains("\"" + key + "\"") && mine.size() < max) {
                mine.add(m);
                queue.deleteMessage(m.getMessageId(), m.getPopReceipt());
            }
        }
        return mine;
    }

    private static List<String> poison() {
        List<String> texts = new ArrayList<>();
        client(RotationQueue.POISON).peekMessages(32, null, null).forEach(m -> texts.add(m.getBody().toString()));
        return texts;
    }

    private static QueueClient client(String name) {
        return new QueueClientBuilder().connectionString(Azurite.shared().connectionString()).queueName(name)
                .messageEncoding(QueueMessageEncoding.BASE64).buildClient();
    }
}
