package io.keymgmt.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.secrets.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProviderCredentialsTest {

    private static final String SECRET = "Zq8~s3cr3t.value_that-must-not-leak";

    @Test
    void readsTheFourAcceptedKeys() {
        try (ProviderCredentials credentials = ProviderCredentials.of(Map.of("tenant_id", "t-1", "client_id", "c-1",
                "client_secret", SECRET, "environment", "AzureChinaCloud"))) {
            assertEquals(Optional.of("t-1"), credentials.tenantId());
            assertEquals(Optional.of("c-1"), credentials.clientId());
            assertEquals(Optional.of("AzureChinaCloud"), credentials.environment());
            assertEquals(SECRET, new String(credentials.clientSecret().orElseThrow().copyBytes(), StandardCharsets.UTF_8));
            assertFalse(credentials.isEmpty());
        }
    }

    @Test
    void everyKeyIsOptional() {
        assertTrue(ProviderCredentials.of(Map.of()).isEmpty());
        assertTrue(ProviderCredentials.of(null).isEmpty());
        assertTrue(ProviderCredentials.none().isEmpty());
        ProviderCredentials tenantOnly = ProviderCredentials.of(Map.of("tenant_id", "t"));
        assertEquals(Optional.empty(), tenantOnly.clientSecret());
        assertEquals(Optional.empty(), tenantOnly.clientId());
    }

    @Test
    void anUnknownKeyIsNamedWithTheAcceptedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProviderCredentials.of(Map.of("tenant_id", "t", "subscription_id", "s")));
        assertEquals("unknown credentials key [subscription_id] for provider azurekeyvault; accepted keys:"
                + " tenant_id, client_id, client_secret, environment", e.getMessage());
        IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
                () -> ProviderCredentials.of(Map.of("Tenant_ID", "t", "resource", "r")));
        assertTrue(two.getMessage().startsWith("unknown credentials keys [Tenant_ID, resource]"), two.getMessage());
    }

    @Test
    void blankValuesAreRefusedByName() {
        Map<String, String> credentials = new HashMap<>();
        credentials.put("tenant_id", " ");
        credentials.put("client_secret", "");
        credentials.put("client_id", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProviderCredentials.of(credentials));
        assertTrue(e.getMessage().startsWith("credentials [tenant_id, client_id, client_secret] must not be blank"),
                e.getMessage());
    }

    @Test
    void toStringShowsOnlyThatASecretIsSet() {
        try (ProviderCredentials credentials = ProviderCredentials.of(Map.of("tenant_id", "t-1", "client_secret", SECRET))) {
            String text = credentials.toString();
            assertFalse(text.contains(SECRET), text);
            assertFalse(text.contains("Zq8"), text);
            assertTrue(text.contains("client_secret=(set)") && text.contains("tenant_id=t-1"), text);
        }
    }

    @Test
    void closeWipesTheSecret() {
        ProviderCredentials credentials = ProviderCredentials.of(Map.of("client_secret", SECRET));
        SecretBytes secret = credentials.clientSecret().orElseThrow();
        credentials.close();
        assertTrue(secret.isWiped());
        ProviderCredentials.none().close(); // nothing to wipe, no failure
    }
}
