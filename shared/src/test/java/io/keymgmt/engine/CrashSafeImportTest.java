package io.keymgmt.engine;

import static io.keymgmt.engine.EngineFixture.assertFault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.engine.fakes.InMemoryKeyStore;
import io.keymgmt.engine.fakes.InMemoryVault;
import io.keymgmt.engine.fakes.StoreFaults;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash between Azure accepting an import and our record of it (modelled by the store failing the
 * write right after the import) must not leave a version in the vault that no record points to: the
 * resume finds it by the tags written at import and adopts it.
 */
class CrashSafeImportTest {

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

    @Test
    void anImportWhoseRecordWasLostIsAdoptedNotImportedAgain() {
        f.seedKey("k", 2);
        // Writes of one version: the intent, then (after the import) the record. Fail the record of version 1.
        f.keyStore.calls().failNthCall(InMemoryKeyStore.Call.UPDATE_DISTRIBUTION, 2, StoreFaults::outage);
        assertFault(Fault.STORAGE_UNAVAILABLE, () -> f.distribute("p", "k", "sign,verify", "software"));
        String azureName = f.distribution("p", "k").azureKeyName();
        assertEquals(1, vault().versions(azureName).size(), "Azure took version 1; our record of it was lost");
        assertEquals(1, f.distribution("p", "k").importingVersion());

        f.distribute("p", "k", "sign,verify", "software");

        assertEquals(2, vault().versions(azureName).size(), "version 1 adopted, only version 2 imported");
        assertEquals(1, vault().calls().count(InMemoryVault.Op.FIND_IMPORTED));
        var d = f.distribution("p", "k");
        assertEquals(vault().versions(azureName).get(0).versionId(), d.azureVersions().get(1), "the orphan is ours");
        assertEquals(vault().versions(azureName).get(1).versionId(), d.azureVersions().get(2));
        assertEquals(0, d.importingVersion());
        assertEquals(f.modulusOf("k", 1), vault().versions(azureName).get(0).modulus());
    }

    @Test
    void anIntentWhoseImportNeverHappenedImportsNormally() {
        f.seedKey("k", 1);
        vault().refuseNext(InMemoryVault.Op.IMPORT, 1, io.keymgmt.keyvault.KeyVaultException.Reason.UNAVAILABLE);
        assertFault(Fault.AZURE_FAILED, () -> f.distribute("p", "k", "encrypt", "software"));
        assertEquals(1, f.distribution("p", "k").importingVersion(), "the intent was recorded before the call");

        f.distribute("p", "k", "encrypt", "software");

        String azureName = f.distribution("p", "k").azureKeyName();
        assertEquals(1, vault().versions(azureName).size());
        assertEquals(1, vault().calls().count(InMemoryVault.Op.FIND_IMPORTED), "looked, found nothing, imported");
        assertTrue(f.distribution("p", "k").azureVersions().containsKey(1));
    }

    @Test
    void aNormalDistributionNeverListsTheVault() {
        f.seedKey("k", 3);
        f.distribute("p", "k", "encrypt", "software");
        assertEquals(0, vault().calls().count(InMemoryVault.Op.FIND_IMPORTED));
        assertEquals(3, vault().versions(f.distribution("p", "k").azureKeyName()).size());
    }
}
