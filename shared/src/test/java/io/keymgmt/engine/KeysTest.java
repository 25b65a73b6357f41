package io.keymgmt.engine;

import static io.keymgmt.engine.EngineFixture.assertFault;
import static io.keymgmt.engine.EngineFixture.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.engine.fakes.InMemoryKeyStore.Call;
import io.keymgmt.engine.fakes.InMemoryVault;
import io.keymgmt.engine.fakes.StoreFaults;
import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.KeyVersion;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.keys.PublicKeyPem;
import io.keymgmt.keys.RsaPrivateKeys;
import io.keymgmt.seal.SealingException;
import io.keymgmt.secrets.SecretBytes;
import io.keymgmt.store.Stored;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key creation, update, rotation, read and list; the deletion guard is in {@link KeyDeletionTest}. */
class KeysTest {

    @TempDir
    Path dir;
    private EngineFixture f;

    @BeforeEach
    void open() {
        f = new EngineFixture(dir);
    }

    @AfterEach
    void close() {
        f.close();
    }

    // Creation

    @Test
    void createMakesVersionOneOfTypeRsa2048WhenNoTypeIsGiven() {
        Written written = f.keys().write("k", Parameters.none());

        assertEquals(List.of(), written.warnings());
        ManagedKey key = f.storedKey("k");
        assertEquals(KeyType.RSA_2048, key.type());
        assertEquals(1, key.latestVersion());
        assertEquals(1, key.minEnabledVersion());
        assertFalse(key.deletionAllowed(), "deletion is not allowed until asked for");
        assertEquals(EngineFixture.T0, key.createdAt());
        List<KeyVersion> versions = f.storedVersions("k");
        assertEquals(1, versions.size());
        assertEquals(2048, f.modulusOf("k", 1).bitLength());
    }

    @Test
    void theSealedPrivateKeyOpensOnlyAsThisKeysVersionAndMatchesItsPublicKey() {
        f.createKey("k");
        KeyVersion v1 = f.storedVersions("k").get(0);
        KeyMaterial material = new KeyMaterial(f.sealer);
        try (SecretBytes pkcs8 = material.unseal(v1)) {
            RSAPublicKey fromPrivate = RsaPrivateKeys.publicKeyOf(RsaPrivateKeys.parsePkcs8(pkcs8));
            assertEquals(((RSAPublicKey) PublicKeyPem.parse(v1.publicKeyPem())).getModulus(), fromPrivate.getModulus());
        }
        KeyVersion claimedByAnotherKey = new KeyVersion("other", 1, v1.createdAt(), v1.publicKeyPem(),
                v1.sealedPrivateKey());
        assertThrows(SealingException.class, () -> material.unseal(claimedByAnotherKey).close(),
                "the sealed key opens only as version 1 of key k");
    }

    @Test
    void createTakesMinEnabledVersionAndDeletionAllowed() {
        f.keys().write("k", params("type", "rsa-2048", "min_enabled_version", 0, "deletion_allowed", true));

        ManagedKey key = f.storedKey("k");
        assertEquals(1, key.minEnabledVersion(), "0 means all versions, which is 1");
        assertTrue(key.deletionAllowed());
    }

    @Test
    void createRefusesATypeAzureKeyVaultCannotHold() {
        KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                () -> f.keys().write("k", params("type", "aes256-gcm96")));

        assertTrue(e.getMessage().contains("\"aes256-gcm96\" cannot be used with Azure Key Vault"), e.getMessage());
        assertTrue(e.getMessage().contains("rsa-2048, rsa-3072 and rsa-4096"), e.getMessage());
        assertEquals(0, f.keyStore.calls().count(Call.CREATE));
        assertTrue(f.findKey("k").isEmpty());
    }

    @Test
    void createRefusesAnUnknownTypeListingTheValidOnes() {
        KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                () -> f.keys().write("k", params("type", "rsa-1024")));

        assertTrue(e.getMessage().startsWith("unknown key type \"rsa-1024\"; valid key types are"), e.getMessage());
        assertTrue(f.findKey("k").isEmpty());
    }

    @Test
    void createRefusesAMinimumAboveVersionOne() {
        KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                () -> f.keys().write("k", params("min_enabled_version", 2)));

        assertEquals("min_enabled_version 2 is greater than the latest version 1 of key \"k\"", e.getMessage());
        assertTrue(f.findKey("k").isEmpty());
    }

    @Test
    void aCreateThatLosesToAnotherCreatorUpdatesTheWinnersKey() {
        List<String> winnersPublicKey = new ArrayList<>();
        f.keyStore.calls().beforeNext(Call.CREATE, f.meanwhile(() -> {
            f.seedKey("k", 1);
            winnersPublicKey.add(f.keyStore.version("k", 1).orElseThrow().publicKeyPem());
        }));

        f.keys().write("k", params("deletion_allowed", true));

        assertEquals(1, f.keyStore.calls().count(Call.CREATE));
        assertEquals(1, f.keyStore.calls().count(Call.UPDATE), "the retry found the key and updated it");
        ManagedKey key = f.storedKey("k");
        assertTrue(key.deletionAllowed());
        assertEquals(1, key.latestVersion(), "the winner's version 1 stays the only one");
        assertEquals(1, f.storedVersions("k").size());
        assertEquals(winnersPublicKey, List.of(f.storedVersions("k").get(0).publicKeyPem()), "the winner's material");
    }

    // Update

    @Test
    void minEnabledVersionZeroMeansOne() {
        f.seedKey("k", 3, 2, false);

        f.keys().write("k", params("min_enabled_version", 0));

        assertEquals(1, f.storedKey("k").minEnabledVersion());
    }

    @Test
    void minEnabledVersionUpToTheLatestIsTaken() {
        f.seedKey("k", 3);
        f.clock.advance(Duration.ofMinutes(5));

        f.keys().write("k", params("min_enabled_version", 3));

        ManagedKey key = f.storedKey("k");
        assertEquals(3, key.minEnabledVersion());
        assertEquals(EngineFixture.T0.plus(Duration.ofMinutes(5)), key.updatedAt());
        assertEquals(EngineFixture.T0, key.createdAt());
    }

    @Test
    void minEnabledVersionAboveTheLatestIsRefusedAndNothingIsWritten() {
        f.seedKey("k", 3);

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                () -> f.keys().write("k", params("min_enabled_version", 4)));

        assertEquals("min_enabled_version 4 is greater than the latest version 3 of key \"k\"", e.getMessage());
        assertEquals(0, f.keyStore.calls().count(Call.UPDATE));
        assertEquals(1, f.storedKey("k").minEnabledVersion());
    }

    @Test
    void negativeMinEnabledVersionIsRefused() {
        f.seedKey("k", 2);

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                () -> f.keys().write("k", params("min_enabled_version", -1)));

        assertEquals("min_enabled_version must be 0 or more, got -1", e.getMessage());
        assertEquals(0, f.keyStore.calls().count(Call.UPDATE));
    }

    @Test
    void deletionAllowedIsSetAndClearedAgain() {
        f.seedKey("k", 1);

        f.keys().write("k", params("deletion_allowed", true));
        assertTrue(f.storedKey("k").deletionAllowed());
        f.keys().write("k", params("deletion_allowed", false));
        assertFalse(f.storedKey("k").deletionAllowed());
    }

    @Test
    void typeCannotChangeAfterCreation() {
        f.seedKey("k", 1);

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                () -> f.keys().write("k", params("type", "rsa-4096", "deletion_allowed", true)));

        assertEquals("type cannot be changed after key creation: key \"k\" is rsa-2048", e.getMessage());
        assertFalse(f.storedKey("k").deletionAllowed(), "nothing of the refused request was applied");
        assertEquals(0, f.keyStore.calls().count(Call.UPDATE));
    }

    @Test
    void theSameTypeIsAcceptedOnUpdate() {
        f.seedKey("k", 1);

        f.keys().write("k", params("type", "rsa-2048", "deletion_allowed", true));

        assertTrue(f.storedKey("k").deletionAllowed());
    }

    @Test
    void aRepeatedIdenticalUpdateWritesNothing() {
        f.seedKey("k", 3);
        f.keys().write("k", params("min_enabled_version", 2, "deletion_allowed", true));
        assertEquals(1, f.keyStore.calls().count(Call.UPDATE));
        Stored<ManagedKey> before = f.findKey("k").orElseThrow();
        f.clock.advance(Duration.ofSeconds(30));

        Written again = f.keys().write("k", params("min_enabled_version", "2", "deletion_allowed", "true"));

        assertEquals(List.of(), again.warnings());
        assertEquals(1, f.keyStore.calls().count(Call.UPDATE), "nothing changed, so nothing was written");
        assertEquals(before, f.findKey("k").orElseThrow(), "same value, same ETag");
    }

    @Test
    void anUpdateThatLosesARaceIsRetriedOnTopOfTheWinnersChange() {
        f.seedKey("k", 3);
        f.keyStore.calls().beforeNext(Call.UPDATE, f.meanwhile(() -> {
            Stored<ManagedKey> theirs = f.keyStore.find("k").orElseThrow();
            f.keyStore.update(theirs.value().withDeletionAllowed(true, f.clock.instant()), theirs.etag());
        }));

        f.keys().write("k", params("min_enabled_version", 2));

        assertEquals(2, f.keyStore.calls().count(Call.UPDATE), "the first write lost, the second won");
        ManagedKey key = f.storedKey("k");
        assertEquals(2, key.minEnabledVersion());
        assertTrue(key.deletionAllowed(), "the other writer's change survives");
    }

    @Test
    void anUpdateThatLosesFourRacesStillSucceeds() {
        f.seedKey("k", 3);
        f.keyStore.calls().failNext(Call.UPDATE, 4, StoreFaults::lostRace);

        f.keys().write("k", params("min_enabled_version", 2));

        assertEquals(5, f.keyStore.calls().count(Call.UPDATE));
        assertEquals(2, f.storedKey("k").minEnabledVersion());
    }

    @Test
    void anUpdateThatLosesFiveRacesIsAConflict() {
        f.seedKey("k", 3);
        f.keyStore.calls().failNext(Call.UPDATE, 5, StoreFaults::lostRace);

        KeyManagementException e = assertFault(Fault.CONFLICT,
                () -> f.keys().write("k", params("min_enabled_version", 2)));

        assertEquals("key \"k\" is being changed by other requests; retry", e.getMessage());
        assertEquals(409, e.fault().httpStatus());
        assertEquals(5, f.keyStore.calls().count(Call.UPDATE));
        assertEquals(1, f.storedKey("k").minEnabledVersion());
    }

    // Rotation

    @Test
    void rotateAddsAVersionWithNewMaterialAndKeepsTheMinimum() {
        f.seedKey("k", 2, 2, false);
        f.clock.advance(Duration.ofDays(30));

        Written written = f.keys().rotate("k", Parameters.none());

        assertEquals(List.of(), written.warnings());
        ManagedKey key = f.storedKey("k");
        assertEquals(3, key.latestVersion());
        assertEquals(2, key.minEnabledVersion());
        List<KeyVersion> versions = f.storedVersions("k");
        assertEquals(List.of(1, 2, 3), versions.stream().map(KeyVersion::number).toList());
        assertEquals(EngineFixture.T0.plus(Duration.ofDays(30)), versions.get(2).createdAt());
        assertNotEquals(f.modulusOf("k", 1), f.modulusOf("k", 3));
        assertNotEquals(f.modulusOf("k", 2), f.modulusOf("k", 3));
    }

    @Test
    void rotateImportsTheNewVersionIntoEveryVaultTheKeyIsIn() {
        f.seedKey("k", 1);
        f.provider("soft");
        f.provider("hard");
        f.distribute("soft", "k", "encrypt", "software");
        f.distribute("hard", "k", "wrap,unwrap", "hsm");

        f.keys().rotate("k", Parameters.none());

        for (String provider : List.of("soft", "hard")) {
            List<InMemoryVault.Version> inVault = f.vaultOf(provider).versions(f.distribution(provider, "k").azureKeyName());
            assertEquals(2, inVault.size(), provider);
            assertEquals(f.modulusOf("k", 2), inVault.get(1).modulus(), provider + " holds version 2's material");
            assertTrue(inVault.get(1).enabled());
            assertEquals(inVault.get(1).versionId(), f.distribution(provider, "k").azureVersions().get(2));
        }
    }

    @Test
    void rotateReportsEveryParameterAsIgnored() {
        f.seedKey("k", 1);

        Written written = f.keys().rotate("k", params("type", "rsa-4096", "zeta", 1));

        assertEquals(List.of("Endpoint ignored these unrecognized parameters: [type, zeta]"), written.warnings());
        assertEquals(2, f.storedKey("k").latestVersion());
        assertEquals(KeyType.RSA_2048, f.storedKey("k").type());
    }

    @Test
    void rotateOfAMissingKeyIsNotFound() {
        KeyManagementException e = assertFault(Fault.NOT_FOUND, () -> f.keys().rotate("nope", Parameters.none()));

        assertEquals("key \"nope\" not found", e.getMessage());
        assertEquals(0, f.keyStore.calls().count(Call.ADD_VERSION));
    }

    @Test
    void aRotationThatLosesARaceIsRetriedAfterTheWinnersVersion() {
        f.seedKey("k", 1);
        f.keyStore.calls().beforeNext(Call.ADD_VERSION, f.meanwhile(() -> f.anotherInstance().keys().rotate("k", Parameters.none())));

        f.keys().rotate("k", Parameters.none());

        assertEquals(2, f.keyStore.calls().count(Call.ADD_VERSION));
        assertEquals(3, f.storedKey("k").latestVersion(), "both rotations count");
        assertEquals(3, f.storedVersions("k").size());
        assertNotEquals(f.modulusOf("k", 2), f.modulusOf("k", 3));
    }

    @Test
    void aRotationThatLosesFiveRacesIsAConflictAndAddsNothing() {
        f.seedKey("k", 1);
        f.keyStore.calls().failNext(Call.ADD_VERSION, 5, StoreFaults::lostRace);

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> f.keys().rotate("k", Parameters.none()));

        assertEquals("key \"k\" is being changed by other requests; retry", e.getMessage());
        assertEquals(5, f.keyStore.calls().count(Call.ADD_VERSION));
        assertEquals(1, f.storedKey("k").latestVersion());
    }

    // Read, list, providers

    @Test
    void readShowsOnlyTheVersionsFromTheMinimumUp() {
        f.seedKey("k", 3, 2, false);

        Keys.KeyDetails details = f.keys().read("k");

        assertEquals(3, details.key().latestVersion());
        assertEquals(List.of(2, 3), details.visibleVersions().stream().map(KeyVersion::number).toList());
    }

    @Test
    void readOfAMissingKeyIsNotFound() {
        KeyManagementException e = assertFault(Fault.NOT_FOUND, () -> f.keys().read("nope"));

        assertEquals("key \"nope\" not found", e.getMessage());
        assertEquals(404, e.fault().httpStatus());
    }

    @Test
    void listGivesTheNamesInOrder() {
        f.seedKey("b", 1);
        f.seedKey("a", 1);
        f.seedKey("c.1", 1);

        assertEquals(List.of("a", "b", "c.1"), f.keys().list());
    }

    @Test
    void providersListsWhereTheKeyIsDistributed() {
        f.seedKey("k", 1);
        f.seedKey("lonely", 1);
        f.provider("zeta");
        f.provider("alpha");
        f.distribute("zeta", "k", "encrypt", "software");
        f.distribute("alpha", "k", "encrypt", "software");

        assertEquals(List.of("alpha", "zeta"), f.keys().providers("k"));
        assertEquals(List.of(), f.keys().providers("lonely"));
        assertEquals("key \"nope\" not found",
                assertFault(Fault.NOT_FOUND, () -> f.keys().providers("nope")).getMessage());
    }
}
