package io.keymgmt.engine.fakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.byok.KeyExchangeKey;
import io.keymgmt.byok.KeyTransferBlob;
import io.keymgmt.credentials.ProviderCredentials;
import io.keymgmt.keys.KeyPurpose;
import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.KeyVersion;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.keys.Protection;
import io.keymgmt.keys.TestRsaKeys;
import io.keymgmt.keyvault.ImportedKeyVersion;
import io.keymgmt.keyvault.KeyVaultException;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.KmsProvider;
import io.keymgmt.kms.KmsProviderType;
import io.keymgmt.seal.AssociatedData;
import io.keymgmt.seal.EnvelopeSealer;
import io.keymgmt.seal.LocalKeyFileKek;
import io.keymgmt.seal.SealedBlob;
import io.keymgmt.secrets.SecretBytes;
import io.keymgmt.store.AlreadyExistsException;
import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.StillReferencedException;
import io.keymgmt.store.StoreException;
import io.keymgmt.store.Stored;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fakes keep the port contracts the engine relies on (as the Table Storage adapter and Key Vault
 * do), so an engine test passing against them means something.
 */
class FakesContractTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    @TempDir
    Path dir;
    private LocalKeyFileKek kek;
    private EnvelopeSealer sealer;
    private final InMemoryKeyStore keys = new InMemoryKeyStore();
    private final InMemoryProviderStore providers = new InMemoryProviderStore();

    @BeforeEach
    void open() {
        kek = LocalKeyFileKek.openOrCreate(dir.resolve("kek.key"));
        sealer = new EnvelopeSealer(kek);
    }

    @AfterEach
    void close() {
        kek.close();
    }

    private KeyVersion version(String key, int n) {
        SealedBlob sealed;
        try (SecretBytes s = SecretBytes.copyOf(new byte[] {1, 2, 3})) {
            sealed = sealer.seal(s, AssociatedData.keyVersion(key, n));
        }
        return new KeyVersion(key, n, T0, "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n", sealed);
    }

    private Stored<ManagedKey> key(String name) {
        return keys.create(ManagedKey.created(name, KeyType.RSA_2048, T0), version(name, 1));
    }

    private static Distribution distribution(String key, String provider) {
        return Distribution.started(key, provider, key + "-1", Set.of(KeyPurpose.ENCRYPT), Protection.SOFTWARE, T0);
    }

    private static KmsProvider provider(String name) {
        return new KmsProvider(name, KmsProviderType.AZURE_KEY_VAULT, "v", Optional.empty(), Optional.empty(), T0, T0);
    }

    @Test
    void everyKeyWriteGivesANewEtagAndAStaleOneLoses() {
        Stored<ManagedKey> created = key("k");
        Stored<ManagedKey> updated = keys.update(created.value().withDeletionAllowed(true, T0), created.etag());

        assertNotEquals(created.etag(), updated.etag());
        assertThrows(ConcurrentUpdateException.class, () -> keys.update(created.value(), created.etag()));
        assertThrows(AlreadyExistsException.class, () -> key("k"));
        assertThrows(ConcurrentUpdateException.class, () -> keys.update(ManagedKey.created("nope", KeyType.RSA_2048, T0),
                updated.etag()), "an update of a missing key is a lost race");
    }

    @Test
    void aVersionIsAddedOnlyWithTheHeaderThatCountsIt() {
        Stored<ManagedKey> k = key("k");
        Stored<ManagedKey> rotated = keys.addVersion(k.value().rotated(T0), k.etag(), version("k", 2));

        assertThrows(ConcurrentUpdateException.class, () -> keys.addVersion(k.value().rotated(T0), k.etag(),
                version("k", 2)));
        assertThrows(IllegalArgumentException.class, () -> keys.addVersion(rotated.value().rotated(T0), rotated.etag(),
                version("k", 2)));
        assertEquals(2, keys.versions("k").size());
        assertEquals(2, keys.find("k").orElseThrow().value().latestVersion());
    }

    @Test
    void aDistributionRewritesTheHeaderSoAnOlderDeletionFails() {
        Stored<ManagedKey> k = key("k");
        Stored<Distribution> d = keys.addDistribution(k.value(), k.etag(), distribution("k", "p"));

        assertNotEquals(k.etag(), keys.find("k").orElseThrow().etag());
        assertThrows(AlreadyExistsException.class, () -> keys.addDistribution(keys.find("k").orElseThrow().value(),
                keys.find("k").orElseThrow().etag(), distribution("k", "p")));
        assertThrows(StillReferencedException.class, () -> keys.delete("k", keys.find("k").orElseThrow().etag()));
        keys.deleteDistribution("k", "p", d.etag());
        assertThrows(ConcurrentUpdateException.class, () -> keys.delete("k", k.etag()), "the header was rewritten");
        keys.delete("k", keys.find("k").orElseThrow().etag());
        assertFalse(keys.holdsAnythingOf("k"));
    }

    @Test
    void distributionWritesAreConditionalAndDeletesIdempotent() {
        Stored<ManagedKey> k = key("k");
        Stored<Distribution> d = keys.addDistribution(k.value(), k.etag(), distribution("k", "p"));
        Stored<Distribution> updated = keys.updateDistribution(d.value().withLastError(Optional.of("x"), T0), d.etag());

        assertThrows(ConcurrentUpdateException.class, () -> keys.updateDistribution(d.value(), d.etag()));
        assertThrows(ConcurrentUpdateException.class, () -> keys.deleteDistribution("k", "p", d.etag()));
        keys.deleteDistribution("k", "p", updated.etag());
        keys.deleteDistribution("k", "p", updated.etag());
        assertThrows(ConcurrentUpdateException.class, () -> keys.updateDistribution(d.value(), updated.etag()),
                "an update does not recreate a removed distribution");
    }

    @Test
    void anInterruptedDeletionHidesTheKeyUntilADeleteOrCreateFinishesIt() {
        Stored<ManagedKey> k = key("k");
        keys.interruptNextDeletion();

        assertThrows(StoreException.class, () -> keys.delete("k", k.etag()));
        assertTrue(keys.find("k").isEmpty());
        assertEquals(List.of(), keys.listNames());
        assertEquals(1, keys.versionRows("k"));
        keys.delete("k", "whatever");
        assertFalse(keys.holdsAnythingOf("k"));

        key("j");
        keys.interruptNextDeletion();
        assertThrows(StoreException.class, () -> keys.delete("j", keys.find("j").orElseThrow().etag()));
        keys.create(ManagedKey.created("j", KeyType.RSA_3072, T0), version("j", 1));
        assertEquals(KeyType.RSA_3072, keys.find("j").orElseThrow().value().type());
        assertEquals(1, keys.versionRows("j"));
    }

    @Test
    void aMembershipIsItsOwnRecordAndADeletionMarksBeforeItLooksForMembers() {
        Stored<KmsProvider> p = providers.create(provider("p"));
        providers.addMember("p", "k");
        providers.addMember("p", "k");
        assertEquals(p, providers.find("p").orElseThrow(), "a membership writes nothing of the provider");

        assertThrows(StillReferencedException.class, () -> providers.delete("p", p.etag()));
        assertTrue(providers.acceptsMembers("p"), "the refused deletion took its mark back");
        providers.removeMember("p", "k");
        providers.removeMember("p", "k");
        assertThrows(ConcurrentUpdateException.class, () -> providers.delete("p", p.etag()), "the mark and its "
                + "removal changed the provider");
        // A member that arrives once the deletion has marked the provider is seen by the look for members.
        Stored<KmsProvider> now = providers.find("p").orElseThrow();
        providers.calls().beforeNext(InMemoryProviderStore.Call.MEMBER_KEYS, () -> {
            assertFalse(providers.acceptsMembers("p"), "marked while the deletion looks");
            providers.addMember("p", "late");
        });
        assertThrows(StillReferencedException.class, () -> providers.delete("p", now.etag()));
        providers.removeMember("p", "late");
        providers.delete("p", providers.find("p").orElseThrow().etag());
        providers.delete("p", "any");
        assertFalse(providers.acceptsMembers("p"));
        assertEquals(List.of(), providers.memberKeys("p"));
    }

    @Test
    void scheduledFaultsAndActionsHitTheirCallsAndActionsGoUnobserved() {
        key("k");
        keys.calls().resetCounts();
        keys.calls().beforeNext(InMemoryKeyStore.Call.FIND, () -> keys.listNames());
        keys.calls().failNthCall(InMemoryKeyStore.Call.FIND, 2, StoreFaults::outage);

        keys.find("k");
        assertThrows(StoreException.class, () -> keys.find("k"));
        keys.find("k");

        assertEquals(3, keys.calls().count(InMemoryKeyStore.Call.FIND));
        assertEquals(0, keys.calls().count(InMemoryKeyStore.Call.LIST_NAMES), "the action's own call is not counted");
        assertFalse(keys.calls().pending());
    }

    @Test
    void theVaultUnwrapsABlobWithItsKeyExchangeKeyAndReportsWhatItHolds() throws Exception {
        InMemoryVault vault = new InMemoryVaults().vault("v");
        KeyExchangeKey kek = vault.createKeyExchangeKey("kek", 2048);
        ImportedKeyVersion imported;
        try (SecretBytes pkcs8 = TestRsaKeys.targetPkcs8(KeyType.RSA_2048)) {
            imported = vault.importHsm("k-1", KeyTransferBlob.wrap(kek, pkcs8, "test"), List.of("encrypt"), false,
                    Map.of());
        }

        assertEquals(TestRsaKeys.targetPublic(KeyType.RSA_2048).getModulus(), imported.modulus());
        assertEquals(imported.versionId(), vault.versions("k-1").get(0).versionId());
        assertTrue(imported.versionId().matches("[0-9a-f]{32}"));
        assertFalse(vault.versions("k-1").get(0).enabled());
        vault.setEnabled("k-1", imported.versionId(), true);
        assertTrue(vault.versions("k-1").get(0).enabled());
        assertThrows(KeyVaultException.class, () -> vault.setEnabled("k-1", "0".repeat(32), true));
    }

    @Test
    void theVaultRefusesABlobForAnotherKeyExchangeKey() throws Exception {
        InMemoryVault vault = new InMemoryVaults().vault("v");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyExchangeKey foreign = KeyExchangeKey.of("https://v.vault.azure.net/keys/kek/" + "a".repeat(32),
                generator.generateKeyPair().getPublic());
        try (SecretBytes pkcs8 = TestRsaKeys.targetPkcs8(KeyType.RSA_2048)) {
            KeyTransferBlob blob = KeyTransferBlob.wrap(foreign, pkcs8, "test");
            KeyVaultException e = assertThrows(KeyVaultException.class,
                    () -> vault.importHsm("k-1", blob, List.of("encrypt"), true, Map.of()));
            assertEquals(KeyVaultException.Reason.REJECTED, e.reason());
        }
        assertEquals(List.of(), vault.versions("k-1"));
    }

    @Test
    void aSoftDeletedNameCannotBeImportedIntoAndDeletesAreIdempotent() {
        InMemoryVault vault = new InMemoryVaults().vault("v");
        try (SecretBytes pkcs8 = TestRsaKeys.targetPkcs8(KeyType.RSA_2048)) {
            vault.importSoftware("k-1", pkcs8, List.of("sign"), true, Map.of());
            vault.delete("k-1");
            vault.delete("k-1");
            vault.delete("never");
            KeyVaultException e = assertThrows(KeyVaultException.class,
                    () -> vault.importSoftware("k-1", pkcs8, List.of("sign"), true, Map.of()));
            assertEquals(KeyVaultException.Reason.CONFLICT, e.reason());
        }
        assertEquals(List.of("k-1"), vault.deletions());
        assertTrue(vault.isSoftDeleted("k-1"));
    }

    @Test
    void aRefusedVaultCallChangesNothing() {
        InMemoryVault vault = new InMemoryVaults().vault("v");
        vault.refuseNext(InMemoryVault.Op.CREATE_KEK, 1, KeyVaultException.Reason.FORBIDDEN);

        KeyVaultException e = assertThrows(KeyVaultException.class, () -> vault.createKeyExchangeKey("kek", 2048));

        assertEquals(Optional.of("create"), e.missingPermission());
        assertEquals(List.of(), vault.keyExchangeKeysCreated());
    }

    @Test
    void theConnectorRecordsWhatItWasGivenAndRefusesUnaddressableVaults() {
        InMemoryVaults vaults = new InMemoryVaults().unaddressable("bad", "no such vault name");
        try (ProviderCredentials c = ProviderCredentials.of(Map.of("tenant_id", "t"))) {
            vaults.check("good", c);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vaults.open("bad", c));
            assertEquals("key_collection: no such vault name", e.getMessage());
        }
        assertEquals(Optional.of("t"), vaults.checks().get(0).tenantId());
        assertEquals("bad", vaults.opens().get(0).keyCollection());
    }
}
