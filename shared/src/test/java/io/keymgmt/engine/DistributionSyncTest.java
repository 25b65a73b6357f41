package io.keymgmt.engine;

import static io.keymgmt.engine.EngineFixture.assertFault;
import static io.keymgmt.engine.EngineFixture.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.engine.fakes.InMemoryKeyStore;
import io.keymgmt.engine.fakes.InMemoryProviderStore;
import io.keymgmt.engine.fakes.StoreFaults;
import io.keymgmt.engine.fakes.InMemoryVault;
import io.keymgmt.engine.fakes.InMemoryVault.Op;
import io.keymgmt.engine.fakes.InMemoryVault.Version;
import io.keymgmt.keyvault.KeyVaultException.Reason;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.DistributionState;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeping a distribution in step with its key: {@link Distributions#sync} (what the queue function
 * calls), and min_enabled_version applied to the versions already in a vault.
 */
class DistributionSyncTest {

    @TempDir
    Path dir;
    private EngineFixture f;

    @BeforeEach
    void open() {
        f = new EngineFixture(dir);
        f.provider("p");
    }

    @AfterEach
    void close() {
        f.close();
    }

    private InMemoryVault vault() {
        return f.vaultOf("p");
    }

    private List<Boolean> enabledInVault(String key) {
        return vault().versions(f.distribution("p", key).azureKeyName()).stream().map(Version::enabled).toList();
    }

    @Test
    void syncBringsADistributionUpToDateAfterARotationFailedInItsVault() {
        f.seedKey("k", 1);
        f.distribute("p", "k", "encrypt", "hsm");
        vault().refuseNext(Op.IMPORT, 1, Reason.UNAVAILABLE);
        KeyManagementException rotation = assertFault(Fault.AZURE_FAILED, () -> f.keys().rotate("k", Parameters.none()));
        assertTrue(rotation.getMessage().startsWith("version 2 of key \"k\" was created here, but 1 vault could not"
                + " follow"), rotation.getMessage());
        assertEquals(Set.of(1), f.distribution("p", "k").azureVersions().keySet());
        assertTrue(f.distribution("p", "k").lastError().orElseThrow().contains("failed import"));

        Distribution synced = f.distributions().sync("p", "k");

        assertEquals(Set.of(1, 2), synced.azureVersions().keySet());
        assertEquals(DistributionState.ACTIVE, synced.state());
        assertEquals(Optional.empty(), synced.lastError());
        assertEquals(synced, f.distribution("p", "k"), "what sync returns is what is stored");
        List<Version> inVault = vault().versions(synced.azureKeyName());
        assertEquals(2, inVault.size());
        assertEquals(f.modulusOf("k", 2), inVault.get(1).modulus());
    }

    @Test
    void syncOfAnUpToDateDistributionAsksNothingOfAzure() {
        f.seedKey("k", 2);
        f.distribute("p", "k", "encrypt", "software");
        f.resetCounts();

        Distribution synced = f.distributions().sync("p", "k");

        assertEquals(0, vault().calls().total());
        assertEquals(Set.of(1, 2), synced.azureVersions().keySet());
    }

    @Test
    void syncRefusesADistributionBeingRemoved() {
        f.seedKey("k", 1);
        f.distribute("p", "k", "encrypt", "software");
        vault().refuseNext(Op.DELETE, 1, Reason.UNAVAILABLE);
        assertFault(Fault.AZURE_FAILED, () -> f.distributions().remove("p", "k"));
        f.resetCounts();

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> f.distributions().sync("p", "k"));

        assertEquals("key \"k\" is being removed from KMS provider \"p\"; finish the removal (DELETE) instead of"
                + " syncing it", e.getMessage());
        assertEquals(0, vault().calls().total());
        assertEquals(DistributionState.REMOVING, f.distribution("p", "k").state());
    }

    @Test
    void syncOfAMissingDistributionOrKeyIsNotFound() {
        f.seedKey("k", 1);

        assertEquals("key \"k\" is not distributed to KMS provider \"p\"",
                assertFault(Fault.NOT_FOUND, () -> f.distributions().sync("p", "k")).getMessage());
        assertEquals("key \"nope\" not found",
                assertFault(Fault.NOT_FOUND, () -> f.distributions().sync("p", "nope")).getMessage());
        assertEquals(0, f.keyStore.calls().count(InMemoryKeyStore.Call.UPDATE_DISTRIBUTION));
    }

    @Test
    void syncRefusesBadNames() {
        assertFault(Fault.INVALID_REQUEST, () -> f.distributions().sync("p/q", "k"));
        assertFault(Fault.INVALID_REQUEST, () -> f.distributions().sync("p", "-k"));
        assertEquals(0, f.keyStore.calls().total());
    }

    @Test
    void syncOfADistributionWhoseProviderIsGoneIsAConflict() {
        f.seedKey("k", 1);
        f.distribute("p", "k", "encrypt", "software");
        f.quietly(() -> {
            f.providerStore.removeMember("p", "k");
            f.providerStore.delete("p", f.providerStore.find("p").orElseThrow().etag());
        });

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> f.distributions().sync("p", "k"));

        assertEquals("KMS provider \"p\" no longer exists", e.getMessage());
    }

    @Test
    void raisingMinEnabledVersionDisablesTheOlderVersionsInTheVault() {
        f.seedKey("k", 3);
        f.distribute("p", "k", "encrypt", "hsm");
        assertEquals(List.of(true, true, true), enabledInVault("k"));

        f.keys().write("k", params("min_enabled_version", 3));

        assertEquals(List.of(false, false, true), enabledInVault("k"));
        assertEquals(2, vault().calls().count(Op.UPDATE));
        assertEquals(3, f.distribution("p", "k").appliedMinEnabledVersion());
        assertEquals(3, vault().calls().count(Op.IMPORT), "nothing imported again");
    }

    @Test
    void loweringMinEnabledVersionEnablesThemAgain() {
        f.seedKey("k", 3, 3, false);
        f.distribute("p", "k", "encrypt", "software");
        assertEquals(List.of(false, false, true), enabledInVault("k"));

        f.keys().write("k", params("min_enabled_version", 0));

        assertEquals(List.of(true, true, true), enabledInVault("k"));
        assertEquals(1, f.distribution("p", "k").appliedMinEnabledVersion());
    }

    @Test
    void anUpdateInterruptedInAzureIsFinishedByRepeatingItWithoutWritingTheKeyAgain() {
        f.seedKey("k", 3);
        f.distribute("p", "k", "encrypt", "software");
        vault().calls().failNthCall(Op.UPDATE, 2, () -> vault().refusal(Op.UPDATE, Reason.THROTTLED));

        KeyManagementException e = assertFault(Fault.AZURE_THROTTLED,
                () -> f.keys().write("k", params("min_enabled_version", 3)));

        assertTrue(e.getMessage().startsWith("key \"k\" was updated here, but 1 vault could not follow"), e.getMessage());
        assertEquals(3, f.storedKey("k").minEnabledVersion(), "the key changed here");
        assertEquals(1, f.distribution("p", "k").appliedMinEnabledVersion(), "the vault is not yet in step");
        assertEquals(List.of(false, true, true), enabledInVault("k"));
        int keyWrites = f.keyStore.calls().count(InMemoryKeyStore.Call.UPDATE);

        f.keys().write("k", params("min_enabled_version", 3));

        assertEquals(List.of(false, false, true), enabledInVault("k"));
        assertEquals(3, f.distribution("p", "k").appliedMinEnabledVersion());
        assertEquals(keyWrites, f.keyStore.calls().count(InMemoryKeyStore.Call.UPDATE), "the key was not written again");
    }

    @Test
    void versionsImportedLateGoInWithTheKeysCurrentFlags() {
        f.seedKey("k", 1);
        f.distribute("p", "k", "encrypt", "software");
        // Two rotations this vault missed, then the minimum raised past the first of them.
        vault().refuseUntilAllowed(Op.IMPORT, Reason.UNAVAILABLE);
        assertFault(Fault.AZURE_FAILED, () -> f.keys().rotate("k", Parameters.none()));
        assertFault(Fault.AZURE_FAILED, () -> f.keys().rotate("k", Parameters.none()));
        vault().refuseUntilAllowed(Op.UPDATE, Reason.UNAVAILABLE);
        assertFault(Fault.AZURE_FAILED, () -> f.keys().write("k", params("min_enabled_version", 3)));
        vault().allow(Op.IMPORT).allow(Op.UPDATE);

        f.distributions().sync("p", "k");

        assertEquals(List.of(false, false, true), enabledInVault("k"));
        assertEquals(3, f.distribution("p", "k").appliedMinEnabledVersion());
        List<Version> inVault = vault().versions(f.distribution("p", "k").azureKeyName());
        assertEquals(f.modulusOf("k", 3), inVault.get(2).modulus());
    }

    @Test
    void aVersionDeletedInTheVaultOutsideTheEngineIsAConflictTellingWhatToDo() {
        f.seedKey("k", 2);
        f.distribute("p", "k", "encrypt", "software");
        vault().refuseNext(Op.UPDATE, 1, Reason.NOT_FOUND);

        KeyManagementException e = assertFault(Fault.CONFLICT,
                () -> f.keys().write("k", params("min_enabled_version", 2)));

        assertTrue(e.getMessage().contains("no longer holds what this engine put there (deleted outside it?)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Remove the key from the provider and distribute it again."), e.getMessage());
    }

    @Test
    void aRotationRecordsAMembershipACrashLostBeforeItTouchesTheVault() {
        f.seedKey("k", 1);
        // The crash: the distribution is recorded, its membership is not.
        f.providerStore.calls().failNext(InMemoryProviderStore.Call.ADD_MEMBER, 1, StoreFaults::outage);
        assertFault(Fault.STORAGE_UNAVAILABLE, () -> f.distribute("p", "k", "encrypt", "software"));
        assertEquals(List.of(), f.providerStore.members("p"));

        f.keys().rotate("k", Parameters.none());

        assertEquals(List.of("k"), f.providerStore.members("p"), "recorded before the imports");
        assertEquals(2, vault().versions(f.distribution("p", "k").azureKeyName()).size());
        KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> f.providers().delete("p"));
        assertTrue(e.getMessage().startsWith("KMS provider \"p\" still holds keys k"), e.getMessage());
    }
}
