package io.keymgmt.server;

import static io.keymgmt.server.Api.read;
import static io.keymgmt.server.Api.unique;
import static io.keymgmt.server.Api.write;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.QueueMessageEncoding;
import io.keymgmt.http.rotation.RotationQueue;
import io.keymgmt.testkit.Azurite;
import io.keymgmt.testkit.LocalKeyVaults;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The local stack's rotation: the runtime fires the timer on its schedule and works the queue as the
 * Functions host would, so a key with a period rotates by itself into its vault, and a message that
 * keeps failing ends in the poison queue after the host's five tries.
 */
@QuarkusTest
@TestProfile(LocalRotationRuntimeTest.EverySecond.class)
@QuarkusTestResource(LocalStackResource.class)
class LocalRotationRuntimeTest {

    public static class EverySecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keymgmt.rotation.local-runtime", "true", "keymgmt.rotation.schedule", "* * * * * *",
                    "keymgmt.rotation.minimum-period", "1s", "keymgmt.rotation.local-retry-delay", "1s",
                    "keymgmt.rotation.retry-backoff", "1s", "keymgmt.rotation.maximum-retry-backoff", "1s");
        }
    }

    @Test
    void aKeyWithAPeriodRotatesByItselfAndReachesItsVault() {
        String provider = unique("auto-p");
        String key = unique("auto-k");
        Api.managedIdentityProvider(provider, LocalKeyVaults.DEMO_VAULTS.get(1));
        write("/v1/keymgmt/key/" + key, "{\"auto_rotate_period\":\"2s\"}").then().statusCode(204);
        write("/v1/keymgmt/kms/" + provider + "/key/" + key, "{\"purpose\":\"encrypt,decrypt\"}").then().statusCode(204);

        awaitTrue(() -> read("/v1/keymgmt/key/" + key).then().extract().<Integer>path("data.latest_version") >= 2
                && Api.azureVersions(provider, key).containsKey("2"), Duration.ofSeconds(30),
                "version 2 created by the timer and imported into the vault");
        write("/v1/keymgmt/key/" + key, "{\"auto_rotate_period\":0}").then().statusCode(204);
    }

    @Test
    void aMessageThatKeepsFailingEndsInThePoisonQueueAfterFiveTries() {
        String vault = LocalKeyVaults.lackingVault("create");
        String provider = unique("poison-p");
        String key = unique("poison-k");
        Api.managedIdentityProvider(provider, vault);
        write("/v1/keymgmt/key/" + key, "{}").then().statusCode(204);
        // hsm needs a key exchange key, which this vault's identity may not create: every try fails with 403.
        write("/v1/keymgmt/kms/" + provider + "/key/" + key, "{\"purpose\":\"wrap,unwrap\"}").then().statusCode(403);
        String message = "{\"kind\":\"sync\",\"key\":\"" + key + "\",\"provider\":\"" + provider + "\"}";
        client(RotationQueue.NAME).sendMessage(message);

        awaitTrue(() -> client(RotationQueue.POISON).peekMessages(32, null, null).stream()
                .anyMatch(m -> m.getBody().toString().contains(key)), Duration.ofSeconds(60),
                "the failing message reached " + RotationQueue.POISON);
        String lastError = read("/v1/keymgmt/kms/" + provider + "/key/" + key).then().extract().path("data.last_error");
        assertTrue(lastError.contains("keys/create permission"), lastError);
        Api.call().delete("/v1/keymgmt/kms/" + provider + "/key/" + key).then().statusCode(204);
    }

    private static void awaitTrue(BooleanSupplier condition, Duration limit, String what) {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
        throw new AssertionError("not within " + limit + ": " + what);
    }

    private static QueueClient client(String name) {
        return new QueueClientBuilder().connectionString(Azurite.shared().connectionString()).queueName(name)
                .messageEncoding(QueueMessageEncoding.BASE64).buildClient();
    }
}
