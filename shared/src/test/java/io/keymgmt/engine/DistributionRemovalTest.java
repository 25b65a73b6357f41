package io.keymgmt.engine;

import static io.keymgmt.engine.EngineFixture.assertFault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.engine.fakes.InMemoryKeyStore;
import io.keymgmt.engine.fakes.InMemoryProviderStore;
import io.keymgmt.engine.fakes.InMemoryVault;
import io.keymgmt.engine.fakes.InMemoryVault.Op;
import io.keymgmt.engine.fakes.StoreFaults;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.keyvault.KeyVaultException.Reason;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.DistributionState;
import io.keymgmt.kms.KmsProvider;
import io.keymgmt.store.Stored;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Removing a key from a provider: marked first, deleted in Azure, then forgotten here; resumable and idempotent. */
class DistributionRemovalTest {

    private static final long T0_SECONDS = EngineFixture.T0.getEpochSecond();

    @TempDir
    Path dir;
    private EngineFixture f;
    private String azureName;

    @BeforeEach
    void open() {
        f = new EngineFixture(dir);
        f.provider("p");
        f.seedKey("k", 2, 1, true);
        f.distribute("p", "k", "encrypt", "software");
        azureName = f.distribution("p", "k").azureKeyName();
        f.resetCounts();
    }

    @AfterEach
    void close() {
        f.close();
    }

    private InMemoryVault vault() {
        return f.vaultOf("p");
    }

    @Test
    void removalDeletesInTheVaultAndForgetsTheMembershipAndTheRecord() {
        f.distributions().remove("p", "k");

        assertTrue(vault().isSoftDeleted(azureName), "a soft delete, so the vault's own recovery still works");
        assertEquals(List.of(azureName), vault().deletions());
        assertTrue(f.storedDistribution("p", "k").isEmpty());
        assertEquals(List.of(), f.providerStore.members("p"));
        assertEquals(2, f.storedVersions("k").size(), "the key itself stays");
        assertFault(Fault.NOT_FOUND, () -> f.distributions().read("p", "k"));
    }

    @Test
    void aRemovalThatAzureRefusesLeavesTheDistributionMarkedWithTheError() {
        vault().refuseNext(Op.DELETE, 1, Reason.FORBIDDEN);

        KeyManagementException e = assertFault(Fault.AZURE_DENIED, () -> f.distributions().remove("p", "k"));

        assertTrue(e.getMessage().contains("refused delete: the identity lacks the keys/delete permission"),
                e.getMessage());
        Distribution d = f.distribution("p", "k");
        assertEquals(DistributionState.REMOVING, d.state(), "marked before Azure was asked");
        assertEquals(Optional.of(e.getMessage()), d.lastError());
        assertEquals(List.of("k"), f.providerStore.members("p"));
        assertFalse(vault().isSoftDeleted(azureName));
    }

    @Test
    void aRemovalThatFailedInAzureIsFinishedByRepeatingIt() {
        vault().refuseNext(Op.DELETE, 1, Reason.UNAVAILABLE);
        assertFault(Fault.AZURE_FAILED, () -> f.distributions().remove("p", "k"));

        f.distributions().remove("p", "k");

        assertTrue(vault().isSoftDeleted(azureName));
        assertTrue(f.storedDistribution("p", "k").isEmpty());
        assertEquals(List.of(), f.providerStore.members("p"));
    }

    @Test
    void aRemovalInterruptedAfterAzureDeletedTheKeyIsFinishedByRepeatingIt() {
        f.keyStore.calls().failNext(InMemoryKeyStore.Call.DELETE_DISTRIBUTION, 1, StoreFaults::outage);
        assertFault(Fault.STORAGE_UNAVAILABLE, () -> f.distributions().remove("p", "k"));
        assertTrue(vault().isSoftDeleted(azureName));

        f.distributions().remove("p", "k");

        assertEquals(2, vault().calls().count(Op.DELETE), "asked again; a key already gone counts as deleted");
        assertTrue(f.storedDistribution("p", "k").isEmpty());
    }

    @Test
    void removingADistributionThatIsNotThereSucceeds() {
        f.distributions().remove("p", "other");
        f.distributions().remove("nowhere", "k");

        assertEquals(0, vault().calls().total());
        assertTrue(f.storedDistribution("p", "k").isPresent(), "nothing else was touched");
    }

    @Test
    void removalForgetsAMembershipACrashLeftBehind() {
        f.seedKey("j", 1);
        f.quietly(() -> {
            f.providerStore.addMember("p", "j");
        });

        f.distributions().remove("p", "j");

        assertEquals(List.of("k"), f.providerStore.members("p"));
    }

    @Test
    void aDistributionBeingRemovedCannotBeDistributedAgain() {
        vault().refuseNext(Op.DELETE, 1, Reason.THROTTLED);
        assertFault(Fault.AZURE_THROTTLED, () -> f.distributions().remove("p", "k"));

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> f.distribute("p", "k", "encrypt", "software"));

        assertEquals("key \"k\" is being removed from KMS provider \"p\"; finish the removal (DELETE) before"
                + " distributing it again", e.getMessage());
        assertEquals(DistributionState.REMOVING, f.distribution("p", "k").state());
        assertEquals(0, vault().calls().count(Op.IMPORT));
    }

    @Test
    void aDistributionBeingRemovedIsLeftOutOfARotation() {
        vault().refuseNext(Op.DELETE, 1, Reason.UNAVAILABLE);
        assertFault(Fault.AZURE_FAILED, () -> f.distributions().remove("p", "k"));

        f.keys().rotate("k", Parameters.none());

        assertEquals(3, f.storedKey("k").latestVersion());
        assertEquals(0, vault().calls().count(Op.IMPORT));
        assertEquals(2, f.distribution("p", "k").azureVersions().size());
    }

    @Test
    void aKeyCanBeDistributedAgainAfterItsRemovalUnderANewName() {
        f.distributions().remove("p", "k");
        f.clock.advance(Duration.ofSeconds(10));

        f.distribute("p", "k", "encrypt", "software");

        Distribution d = f.distribution("p", "k");
        assertEquals("k-" + (T0_SECONDS + 10), d.azureKeyName());
        assertEquals(2, vault().versions(d.azureKeyName()).size());
        assertEquals(DistributionState.ACTIVE, d.state());
    }

    @Test
    void markingTheRemovalLosesARaceAsAConflictWithoutTouchingAzure() {
        f.keyStore.calls().failNext(InMemoryKeyStore.Call.UPDATE_DISTRIBUTION, 1, StoreFaults::lostRace);

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> f.distributions().remove("p", "k"));

        assertEquals("the distribution of key \"k\" to \"p\" was changed by another request; retry", e.getMessage());
        assertEquals(0, vault().calls().total());
        assertEquals(DistributionState.ACTIVE, f.distribution("p", "k").state());
    }

    @Test
    void aRemovalFinishedByAnotherInstanceMeanwhileSucceeds() {
        f.keyStore.calls().beforeNext(InMemoryKeyStore.Call.DELETE_DISTRIBUTION,
                f.meanwhile(() -> f.anotherInstance().distributions().remove("p", "k")));

        f.distributions().remove("p", "k");

        assertTrue(f.storedDistribution("p", "k").isEmpty());
        assertEquals(1, f.keyStore.calls().count(InMemoryKeyStore.Call.DELETE_DISTRIBUTION));
    }

    @Test
    void aDistributionChangedDuringItsRemovalIsAConflict() {
        f.keyStore.calls().beforeNext(InMemoryKeyStore.Call.DELETE_DISTRIBUTION, f.meanwhile(() -> {
            Stored<Distribution> theirs = f.keyStore.distribution("k", "p").orElseThrow();
            f.keyStore.updateDistribution(theirs.value().withLastError(Optional.of("x"), f.clock.instant()),
                    theirs.etag());
        }));

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> f.distributions().remove("p", "k"));

        assertEquals("the distribution of key \"k\" to \"p\" changed during its removal; retry", e.getMessage());
        assertTrue(f.storedDistribution("p", "k").isPresent());
    }

    @Test
    void aDistributionWhoseProviderIsGoneCanStillBeRemoved() {
        // A crash between recording the distribution and its membership leaves a distribution the
        // provider does not know of; the provider can then be deleted. Azure was never touched.
        f.seedKey("j", 1, 1, true);
        f.providerStore.calls().failNext(InMemoryProviderStore.Call.ADD_MEMBER, 1, StoreFaults::outage);
        assertFault(Fault.STORAGE_UNAVAILABLE, () -> f.distribute("p", "j", "encrypt", "software"));
        f.distributions().remove("p", "k");
        f.providers().delete("p");
        assertTrue(f.storedDistribution("p", "j").isPresent());

        f.distributions().remove("p", "j");

        assertTrue(f.storedDistribution("p", "j").isEmpty());
        f.keys().delete("j");
        assertTrue(f.findKey("j").isEmpty(), "the key is no longer held by a provider that does not exist");
    }

    @Test
    void aKeyRemovedFromEveryProviderCanBeDeleted() {
        f.distributions().remove("p", "k");

        f.keys().delete("k");

        Optional<Stored<ManagedKey>> gone = f.findKey("k");
        assertTrue(gone.isEmpty());
    }
}
