package io.keymgmt.emulator;

import static io.keymgmt.emulator.TestDirectory.ADMIN_ID;
import static io.keymgmt.emulator.TestDirectory.ADMIN_SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.util.polling.SyncPoller;
import com.azure.security.keyvault.keys.KeyClient;
import com.azure.security.keyvault.keys.cryptography.CryptographyClient;
import com.azure.security.keyvault.keys.cryptography.models.SignatureAlgorithm;
import com.azure.security.keyvault.keys.models.CreateRsaKeyOptions;
import com.azure.security.keyvault.keys.models.DeletedKey;
import com.azure.security.keyvault.keys.models.ImportKeyOptions;
import com.azure.security.keyvault.keys.models.JsonWebKey;
import com.azure.security.keyvault.keys.models.KeyOperation;
import com.azure.security.keyvault.keys.models.KeyProperties;
import com.azure.security.keyvault.keys.models.KeyType;
import com.azure.security.keyvault.keys.models.KeyVaultKey;
import com.fasterxml.jackson.databind.JsonNode;

/** Key management through the unmodified SDK with a client-secret credential: the paths the product uses. */
class KeyLifecycleTest {

    private static final String VAULT = "kv-lifecycle";
    private static KeyVaultEmulator emulator;
    private static KeyClient keys;
    private static RestCalls rest;

    @BeforeAll
    static void start() {
        emulator = KeyVaultEmulator.start(TestDirectory.config(VAULT).build());
        keys = SdkClients.keyClient(emulator, VAULT, ADMIN_ID, ADMIN_SECRET);
        rest = new RestCalls(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void createsRsaAndRsaHsmKeysWithAzureShapedBundles() {
        KeyVaultKey soft = keys.createRsaKey(new CreateRsaKeyOptions("soft-key").setKeySize(2048).setTags(Map.of("a", "b")));
        Pattern kid = Pattern.compile(Pattern.quote(emulator.vaultUrl(VAULT) + "/keys/soft-key/") + "[0-9a-f]{32}");
        assertTrue(kid.matcher(soft.getId()).matches(), soft.getId());
        assertEquals(KeyType.RSA, soft.getKeyType());
        assertEquals(List.of(KeyOperation.ENCRYPT, KeyOperation.DECRYPT, KeyOperation.SIGN, KeyOperation.VERIFY,
                KeyOperation.WRAP_KEY, KeyOperation.UNWRAP_KEY), soft.getKeyOperations());
        RSAPublicKey softPublic = (RSAPublicKey) soft.getKey().toRsa(false).getPublic();
        assertEquals(2048, softPublic.getModulus().bitLength());
        assertEquals(BigInteger.valueOf(65537), softPublic.getPublicExponent());
        assertTrue(soft.getProperties().isEnabled());
        assertEquals("Recoverable+Purgeable", soft.getProperties().getRecoveryLevel());
        assertEquals(90, soft.getProperties().getRecoverableDays());
        assertEquals(Map.of("a", "b"), soft.getProperties().getTags());

        KeyVaultKey hsm = keys.createRsaKey(new CreateRsaKeyOptions("hsm-key").setKeySize(3072).setHardwareProtected(true)
                .setKeyOperations(KeyOperation.IMPORT));
        assertEquals(KeyType.RSA_HSM, hsm.getKeyType());
        assertEquals(List.of(KeyOperation.IMPORT), hsm.getKeyOperations());
        assertEquals(3072, ((RSAPublicKey) hsm.getKey().toRsa(false).getPublic()).getModulus().bitLength());

        // On the wire: n without a leading zero byte, base64url without padding, and no private part.
        JsonNode raw = rest.send("GET", RestCalls.at(emulator.vaultUrl(VAULT), "/keys/soft-key"), token(), null).json();
        String n = raw.path("key").path("n").asText();
        assertFalse(n.contains("=") || n.contains("+") || n.contains("/"), n);
        assertEquals(256, Base64.getUrlDecoder().decode(n).length);
        assertEquals("AQAB", raw.path("key").path("e").asText());
        assertTrue(raw.path("key").path("d").isMissingNode());
        assertEquals(false, raw.path("attributes").path("exportable").asBoolean(true));
    }

    @Test
    void everyCreateAddsAVersionAndUpdateChangesOnlyThatVersion() {
        KeyVaultKey first = keys.createRsaKey(new CreateRsaKeyOptions("versioned"));
        KeyVaultKey second = keys.createRsaKey(new CreateRsaKeyOptions("versioned"));
        assertNotEquals(first.getProperties().getVersion(), second.getProperties().getVersion());
        assertNotEquals(new BigInteger(1, first.getKey().getN()), new BigInteger(1, second.getKey().getN()),
                "a new version is a new key");

        Set<String> versions = keys.listPropertiesOfKeyVersions("versioned").stream()
                .map(KeyProperties::getVersion).collect(Collectors.toSet());
        assertEquals(Set.of(first.getProperties().getVersion(), second.getProperties().getVersion()), versions);
        assertEquals(second.getId(), keys.getKey("versioned").getId());
        assertEquals(first.getId(), keys.getKey("versioned", first.getProperties().getVersion()).getId());

        KeyProperties disable = first.getProperties().setEnabled(false).setTags(Map.of("state", "retired"));
        KeyVaultKey updated = keys.updateKeyProperties(disable, KeyOperation.SIGN, KeyOperation.VERIFY);
        assertFalse(updated.getProperties().isEnabled());
        assertEquals(List.of(KeyOperation.SIGN, KeyOperation.VERIFY), updated.getKeyOperations());

        KeyVaultKey reread = keys.getKey("versioned", first.getProperties().getVersion());
        assertFalse(reread.getProperties().isEnabled());
        assertEquals(Map.of("state", "retired"), reread.getProperties().getTags());
        assertEquals(List.of(KeyOperation.SIGN, KeyOperation.VERIFY), reread.getKeyOperations());
        assertTrue(keys.getKey("versioned", second.getProperties().getVersion()).getProperties().isEnabled());

        KeyVaultKey enabledAgain = keys.updateKeyProperties(reread.getProperties().setEnabled(true));
        assertTrue(enabledAgain.getProperties().isEnabled());
        assertEquals(List.of(KeyOperation.SIGN, KeyOperation.VERIFY), enabledAgain.getKeyOperations(),
                "key_ops not sent must stay as they were");

        Set<String> names = keys.listPropertiesOfKeys().stream().map(KeyProperties::getName).collect(Collectors.toSet());
        assertTrue(names.contains("versioned"), names.toString());
    }

    @Test
    void unknownKeysAndVersionsAre404WithAzuresMessage() {
        HttpResponseException missing = assertThrows(HttpResponseException.class, () -> keys.getKey("never-created"));
        assertEquals(404, missing.getResponse().getStatusCode());
        assertTrue(missing.getMessage().contains("A key with (name/id) never-created was not found in this key vault. "
                + "If you recently deleted this key you may be able to recover it using the correct recovery command. "
                + "For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182"),
                missing.getMessage());
        keys.createRsaKey(new CreateRsaKeyOptions("has-one-version"));
        HttpResponseException version = assertThrows(HttpResponseException.class,
                () -> keys.getKey("has-one-version", "0123456789abcdef0123456789abcdef"));
        assertEquals(404, version.getResponse().getStatusCode());
        assertTrue(version.getMessage().contains("KeyNotFound"), version.getMessage());
    }

    @Test
    void softDeleteBlocksTheNameUntilRecoverOrPurge() {
        KeyVaultKey original = keys.createRsaKey(new CreateRsaKeyOptions("doomed"));
        keys.createRsaKey(new CreateRsaKeyOptions("doomed"));

        SyncPoller<DeletedKey, Void> deletion = keys.beginDeleteKey("doomed");
        DeletedKey deleted = deletion.waitForCompletion(Duration.ofSeconds(30)).getValue();
        assertEquals(emulator.vaultUrl(VAULT) + "/deletedkeys/doomed", deleted.getRecoveryId());
        assertEquals(Duration.ofDays(90), Duration.between(deleted.getDeletedOn(), deleted.getScheduledPurgeDate()));

        assertEquals(404, assertThrows(HttpResponseException.class, () -> keys.getKey("doomed"))
                .getResponse().getStatusCode());
        HttpResponseException reuse = assertThrows(HttpResponseException.class,
                () -> keys.createRsaKey(new CreateRsaKeyOptions("doomed")));
        assertEquals(409, reuse.getResponse().getStatusCode());
        assertTrue(reuse.getMessage().contains("Key doomed is currently in a deleted but recoverable state, and its name "
                + "cannot be reused; in this state, the key can only be recovered or purged."), reuse.getMessage());
        assertTrue(reuse.getMessage().contains("ObjectIsDeletedButRecoverable"), reuse.getMessage());
        HttpResponseException reimport = assertThrows(HttpResponseException.class,
                () -> keys.importKey("doomed", JsonWebKey.fromRsa(rsa(2048))));
        assertEquals(409, reimport.getResponse().getStatusCode());

        assertEquals(deleted.getRecoveryId(), keys.getDeletedKey("doomed").getRecoveryId());
        assertTrue(keys.listDeletedKeys().stream().anyMatch(d -> "doomed".equals(d.getName())));

        KeyVaultKey recovered = keys.beginRecoverDeletedKey("doomed").waitForCompletion(Duration.ofSeconds(30))
                .getValue();
        assertEquals("doomed", recovered.getName());
        assertEquals(2, keys.listPropertiesOfKeyVersions("doomed").stream().count());
        assertEquals(original.getId(), keys.getKey("doomed", original.getProperties().getVersion()).getId());

        keys.beginDeleteKey("doomed").waitForCompletion(Duration.ofSeconds(30));
        keys.purgeDeletedKey("doomed");
        assertEquals(404, assertThrows(HttpResponseException.class, () -> keys.getDeletedKey("doomed"))
                .getResponse().getStatusCode());
        KeyVaultKey reborn = keys.createRsaKey(new CreateRsaKeyOptions("doomed"));
        assertEquals(1, keys.listPropertiesOfKeyVersions("doomed").stream().count());
        assertNotEquals(original.getProperties().getVersion(), reborn.getProperties().getVersion());
    }

    @Test
    void importedJwkKeepsItsPublicKeyAndSignsWithItsPrivateKey() throws Exception {
        KeyPair pair = rsa(2048);
        KeyVaultKey imported = keys.importKey(new ImportKeyOptions("imported-soft", JsonWebKey.fromRsa(pair,
                List.of(KeyOperation.SIGN, KeyOperation.VERIFY))));
        assertEquals(KeyType.RSA, imported.getKeyType());
        RSAPublicKey expected = (RSAPublicKey) pair.getPublic();
        RSAPublicKey actual = (RSAPublicKey) imported.getKey().toRsa(false).getPublic();
        assertEquals(expected.getModulus(), actual.getModulus());
        assertEquals(expected.getPublicExponent(), actual.getPublicExponent());
        assertEquals(List.of(KeyOperation.SIGN, KeyOperation.VERIFY), imported.getKeyOperations());
        assertSignsWith(imported.getId(), expected);

        KeyVaultKey hsm = keys.importKey(new ImportKeyOptions("imported-hsm", JsonWebKey.fromRsa(pair))
                .setHardwareProtected(true));
        assertEquals(KeyType.RSA_HSM, hsm.getKeyType());
    }

    @Test
    void refusesKeysItCannotHoldWithBadParameter() {
        KeyPair small = rsaPair(1024);
        HttpResponseException tooSmall = assertThrows(HttpResponseException.class,
                () -> keys.importKey("small", JsonWebKey.fromRsa(small)));
        assertEquals(400, tooSmall.getResponse().getStatusCode());
        assertTrue(tooSmall.getMessage().contains("1024 bits; accepted RSA key sizes are 2048, 3072 and 4096"),
                tooSmall.getMessage());

        HttpResponseException ec = assertThrows(HttpResponseException.class,
                () -> keys.createEcKey(new com.azure.security.keyvault.keys.models.CreateEcKeyOptions("ec-key")));
        assertEquals(400, ec.getResponse().getStatusCode());
        assertTrue(ec.getMessage().contains("not supported by this emulator"), ec.getMessage());

        HttpResponseException size = assertThrows(HttpResponseException.class,
                () -> keys.createRsaKey(new CreateRsaKeyOptions("odd-size").setKeySize(1024)));
        assertEquals(400, size.getResponse().getStatusCode());
        assertTrue(size.getMessage().contains("accepted: 2048, 3072, 4096"), size.getMessage());

        // A JWK whose components do not belong together is a product bug to catch, not a key to store.
        KeyPair a = rsa(2048);
        KeyPair b = rsa(2048);
        JsonWebKey mixed = JsonWebKey.fromRsa(a).setP(JsonWebKey.fromRsa(b).getP());
        HttpResponseException inconsistent = assertThrows(HttpResponseException.class,
                () -> keys.importKey("mixed", mixed));
        assertEquals(400, inconsistent.getResponse().getStatusCode());
        assertTrue(inconsistent.getMessage().contains("inconsistent: n is not p*q"), inconsistent.getMessage());
    }

    @Test
    void requestShapeErrorsAreBadParameterOrMissingApiVersion() {
        URI vault = emulator.vaultUrl(VAULT);
        RestCalls.Reply badName = rest.send("POST", RestCalls.at(vault, "/keys/bad_name/create"), token(),
                "{\"kty\":\"RSA\"}");
        assertEquals(400, badName.status());
        assertEquals("BadParameter", badName.errorCode());
        assertTrue(badName.errorMessage().contains("0-9, a-z, A-Z and '-'"), badName.errorMessage());

        RestCalls.Reply malformed = rest.send("POST", RestCalls.at(vault, "/keys/fine-name/create"), token(),
                "{\"kty\":");
        assertEquals(400, malformed.status());
        assertEquals("BadParameter", malformed.errorCode());
        assertTrue(malformed.errorMessage().startsWith("The request body is not valid JSON"), malformed.errorMessage());

        RestCalls.Reply noApiVersion = rest.send("GET", URI.create(vault + "/keys"), token(), null);
        assertEquals(400, noApiVersion.status());
        assertEquals("MissingApiVersionParameter", noApiVersion.errorCode());

        RestCalls.Reply future = rest.send("GET", URI.create(vault + "/keys?api-version=2099-01-01"), token(), null);
        assertEquals(400, future.status());
        assertTrue(future.errorMessage().contains("(2099-01-01) is not recognized"), future.errorMessage());
        for (String version : List.of("7.4", "7.5", "7.6", "2025-07-01")) {
            assertEquals(200, rest.send("GET", URI.create(vault + "/keys?api-version=" + version), token(), null)
                    .status(), version);
        }
    }

    private static void assertSignsWith(String keyId, RSAPublicKey expected) throws Exception {
        CryptographyClient crypto = SdkClients.cryptographyClient(emulator, keyId, ADMIN_ID, ADMIN_SECRET);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest("proof of possession".getBytes());
        byte[] signature = crypto.sign(SignatureAlgorithm.RS256, digest).getSignature();
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(expected);
        verifier.update("proof of possession".getBytes());
        assertTrue(verifier.verify(signature), "the vault's signature must verify with the imported public key");
    }

    private static String token() {
        return emulator.issueToken(ADMIN_ID, "https://vault.azure.net", Duration.ofMinutes(5));
    }

    static KeyPair rsa(int bits) {
        return rsaPair(bits);
    }

    private static KeyPair rsaPair(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
