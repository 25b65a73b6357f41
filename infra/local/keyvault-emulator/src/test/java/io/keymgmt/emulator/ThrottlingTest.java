package io.keymgmt.emulator;

import static io.keymgmt.emulator.TestDirectory.ADMIN_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The optional per-vault create/import limit: 429 Throttled with Retry-After, like Key Vault's service limits. */
class ThrottlingTest {

    private static final String THROTTLED = "kv-throttled";
    private static final String FREE = "kv-unthrottled";
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));
    private static KeyVaultEmulator emulator;
    private static RestCalls rest;

    @BeforeAll
    static void start() {
        emulator = KeyVaultEmulator.start(TestDirectory.config(THROTTLED, FREE).throttleLimit(THROTTLED, 3)
                .clock(CLOCK).build());
        rest = new RestCalls(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void refusesCreatesOverTheLimitUntilTheWindowMoves() {
        URI vault = emulator.vaultUrl(THROTTLED);
        String token = emulator.issueToken(ADMIN_ID, "https://vault.azure.net", Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            assertEquals(200, create(vault, token, "k" + i).status());
            CLOCK.advance(Duration.ofSeconds(1));
        }
        RestCalls.Reply throttled = create(vault, token, "k3");
        assertEquals(429, throttled.status());
        assertEquals("Throttled", throttled.errorCode());
        assertTrue(throttled.errorMessage().startsWith("Operations per second limit reached"), throttled.errorMessage());
        assertEquals("7", throttled.header("Retry-After"));

        // Reads are not create calls, imports are, and another vault has its own budget.
        assertEquals(200, rest.send("GET", RestCalls.at(vault, "/keys"), token, null).status());
        assertEquals(429, rest.send("PUT", RestCalls.at(vault, "/keys/imported"), token, "{}").status());
        assertEquals(200, create(emulator.vaultUrl(FREE), token, "elsewhere").status());

        CLOCK.advance(Duration.ofSeconds(6));
        RestCalls.Reply stillThrottled = create(vault, token, "k3");
        assertEquals(429, stillThrottled.status());
        assertEquals("1", stillThrottled.header("Retry-After"));

        CLOCK.advance(Duration.ofSeconds(1));
        assertEquals(200, create(vault, token, "k3").status(), "the first create has left the 10 s window");
        assertEquals(429, create(vault, token, "k4").status(), "refused calls must not have used the budget up");
    }

    private static RestCalls.Reply create(URI vault, String token, String name) {
        return rest.send("POST", RestCalls.at(vault, "/keys/" + name + "/create"), token, "{\"kty\":\"RSA\"}");
    }
}
