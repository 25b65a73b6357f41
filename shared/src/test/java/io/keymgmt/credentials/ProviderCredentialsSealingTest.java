package io.keymgmt.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.seal.AssociatedData;
import io.keymgmt.seal.EnvelopeSealer;
import io.keymgmt.seal.LocalKeyFileKek;
import io.keymgmt.seal.SealedBlob;
import io.keymgmt.seal.SealingException;
import io.keymgmt.secrets.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Provider credentials through their byte form and the sealer, as the provider store keeps them. */
class ProviderCredentialsSealingTest {

    private static final String SECRET = "Seal~Me.Secret-0004";

    @TempDir
    Path dir;

    @Test
    void theEncodingIsTheDocumentedLayout() {
        try (ProviderCredentials credentials = ProviderCredentials.of(Map.of("client_id", "ab", "environment", "E"));
                SecretBytes encoded = credentials.encode()) {
            assertEquals("01" + "01" + "00000002" + "6162" + "03" + "00000001" + "45",
                    HexFormat.of().formatHex(encoded.copyBytes()));
        }
    }

    @Test
    void encodeAndDecodeRoundTripEveryCombination() {
        String[] keys = {"tenant_id", "client_id", "client_secret", "environment"};
        for (int mask = 0; mask < 16; mask++) {
            Map<String, String> map = new java.util.HashMap<>();
            for (int i = 0; i < 4; i++) {
                if ((mask & (1 << i)) != 0) {
                    map.put(keys[i], keys[i].equals("client_secret") ? SECRET : "välue-" + i);
                }
            }
            try (ProviderCredentials original = ProviderCredentials.of(map);
                    SecretBytes encoded = original.encode();
                    ProviderCredentials decoded = ProviderCredentials.decode(encoded)) {
                assertEquals(original.tenantId(), decoded.tenantId());
                assertEquals(original.clientId(), decoded.clientId());
                assertEquals(original.environment(), decoded.environment());
                assertEquals(original.clientSecret().map(s -> new String(s.copyBytes(), StandardCharsets.UTF_8)),
                        decoded.clientSecret().map(s -> new String(s.copyBytes(), StandardCharsets.UTF_8)));
            }
        }
    }

    @Test
    void malformedBytesAreRefused() {
        for (String hex : new String[] {"", "02", "0105", "0100000000", "01000000000574", "010100000001610000000001"
                + "62", "010000000002ffff"}) {
            try (SecretBytes bytes = SecretBytes.copyOf(HexFormat.of().parseHex(hex))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> ProviderCredentials.decode(bytes), hex);
                assertTrue(e.getMessage().startsWith("stored provider credentials are malformed"), e.getMessage());
            }
        }
    }

    @Test
    void sealedCredentialsOpenOnlyForTheirProvider() {
        try (LocalKeyFileKek kek = LocalKeyFileKek.openOrCreate(dir.resolve("kek.key"));
                ProviderCredentials credentials = ProviderCredentials.of(
                        Map.of("tenant_id", "t", "client_id", "app", "client_secret", SECRET))) {
            EnvelopeSealer sealer = new EnvelopeSealer(kek);
            byte[] stored;
            try (SecretBytes encoded = credentials.encode()) {
                stored = sealer.seal(encoded, AssociatedData.providerCredentials("azure-west")).toBytes();
            }
            assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains("Seal~Me"));
            try (SecretBytes opened = sealer.unseal(SealedBlob.parse(stored), AssociatedData.providerCredentials("azure-west"));
                    ProviderCredentials back = ProviderCredentials.decode(opened)) {
                assertEquals(Optional.of("app"), back.clientId());
                assertTrue(back.clientSecret().orElseThrow().contentEquals(credentials.clientSecret().orElseThrow()));
            }
            assertThrows(SealingException.class,
                    () -> sealer.unseal(SealedBlob.parse(stored), AssociatedData.providerCredentials("azure-east")));
        }
    }
}
