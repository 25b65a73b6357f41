package io.keymgmt.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KeyTypeTest {

    private static final List<String> VAULT_TYPES =
            List.of("aes256-gcm96", "rsa-2048", "rsa-3072", "rsa-4096", "ecdsa-p256", "ecdsa-p384", "ecdsa-p521");

    @Test
    void wireNamesAreVaultsTypeNamesInVaultsOrder() {
        assertEquals(VAULT_TYPES, Arrays.stream(KeyType.values()).map(KeyType::wireName).collect(Collectors.toList()));
        for (String name : VAULT_TYPES) {
            assertEquals(name, KeyType.fromWireName(name).wireName());
        }
    }

    @Test
    void unknownNamesAreRefusedWithTheValidNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyType.fromWireName("rsa-1024"));
        assertEquals("unknown key type \"rsa-1024\"; valid key types are aes256-gcm96, rsa-2048, rsa-3072, rsa-4096,"
                + " ecdsa-p256, ecdsa-p384, ecdsa-p521", e.getMessage());
        // Vault matches type names exactly.
        assertThrows(IllegalArgumentException.class, () -> KeyType.fromWireName("RSA-2048"));
        assertThrows(IllegalArgumentException.class, () -> KeyType.fromWireName(" rsa-2048"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KeyType.fromWireName(null))
                .getMessage().contains("valid key types are aes256-gcm96"));
    }

    @Test
    void rsaTypesKnowTheirSize() {
        assertEquals(2048, KeyType.RSA_2048.rsaBits());
        assertEquals(3072, KeyType.RSA_3072.rsaBits());
        assertEquals(4096, KeyType.RSA_4096.rsaBits());
        assertEquals(List.of(KeyType.RSA_2048, KeyType.RSA_3072, KeyType.RSA_4096),
                Arrays.stream(KeyType.values()).filter(KeyType::isRsa).collect(Collectors.toList()));
        assertFalse(KeyType.ECDSA_P256.isRsa());
        assertThrows(IllegalStateException.class, KeyType.AES256_GCM96::rsaBits);
        assertEquals(Optional.of(KeyType.RSA_3072), KeyType.rsaOfSize(3072));
        assertEquals(Optional.empty(), KeyType.rsaOfSize(1024));
        assertEquals(Optional.empty(), KeyType.rsaOfSize(0));
    }

    @Test
    void onlyRsaTypesAreAzureKeyVaultCompatible() {
        assertSame(KeyType.RSA_2048, KeyType.RSA_2048.requireAzureKeyVaultCompatible());
        assertSame(KeyType.RSA_4096, KeyType.RSA_4096.requireAzureKeyVaultCompatible());
        IllegalArgumentException aes = assertThrows(IllegalArgumentException.class,
                KeyType.AES256_GCM96::requireAzureKeyVaultCompatible);
        assertEquals("key type \"aes256-gcm96\" cannot be used with Azure Key Vault, which accepts rsa-2048, rsa-3072"
                + " and rsa-4096", aes.getMessage());
        for (KeyType ec : List.of(KeyType.ECDSA_P256, KeyType.ECDSA_P384, KeyType.ECDSA_P521)) {
            assertTrue(assertThrows(IllegalArgumentException.class, ec::requireAzureKeyVaultCompatible)
                    .getMessage().startsWith("key type \"" + ec.wireName() + "\" cannot be used with Azure Key Vault"));
        }
    }

    @Test
    void sizesInProseForMessages() {
        assertEquals("2048, 3072 or 4096", KeyType.rsaSizesInProse());
    }
}
