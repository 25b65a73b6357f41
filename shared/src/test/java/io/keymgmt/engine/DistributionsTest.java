package io.keymgmt.engine;

import static io.keymgmt.engine.EngineFixture.assertFault;
import static io.keymgmt.engine.EngineFixture.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.engine.fakes.InMemoryKeyStore;
import io.keymgmt.engine.fakes.InMemoryProviderStore;
import io.keymgmt.engine.fakes.InMemoryVault;
import io.keymgmt.engine.fakes.InMemoryVault.Op;
import io.keymgmt.engine.fakes.InMemoryVault.Version;
import io.keymgmt.engine.fakes.StoreFaults;
import io.keymgmt.keys.KeyPurpose;
import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.keys.Protection;
import io.keymgmt.keyvault.KeyVaultException.Reason;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.DistributionState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributing a key to a provider's vault: BYOK with a reused key exchange key or a software import,
 * every version in order with its enabled flag, the Azure name, the immutable fields, resumption.
 * Races are in {@link DistributionRacesTest}, removal in {@link DistributionRemovalTest}.
 */
class DistributionsTest {

    private static final long T0_SECONDS = EngineFixture.T0.getEpochSecond();

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

    private List<Version> inVault(String key) {
        return vault().versions(f.distribution("p", key).azureKeyName());
    }

    // Key exchange key

    @Test
    void hsmCreatesAKeyExchangeKeyOnceRemembersItAndReusesIt() {
        f.seedKey("k1", 1);
        f.seedKey("k2", 1);

        f.distribute("p", "k1", "wrap,unwrap", "hsm");
        f.distribute("p", "k2", "wrap,unwrap", "hsm");

        List<String> keks = vault().keyExchangeKeysCreated();
        assertEquals(1, keks.size(), "one KEK for every key of the vault");
        assertTrue(keks.get(0).startsWith(vault().url() + "/keys/" + DistributionSync.KEY_EXCHANGE_KEY_NAME + "/"));
        assertEquals(Optional.of(4096), vault().keyExchangeKeyBits(keks.get(0)));
        assertEquals(Optional.of(keks.get(0)), f.storedProvider("p").keyExchangeKeyId(), "remembered on the provider");
        assertEquals(1, vault().calls().count(Op.GET_KEK), "the second distribution read the remembered KEK");
        assertEquals(Optional.of(keks.get(0)), inVault("k2").get(0).wrappedForKek());
    }

    @Test
    void aKeyExchangeKeyTheVaultLostIsCreatedAgain() {
        f.seedKey("k1", 1);
        f.seedKey("k2", 1);
        f.distribute("p", "k1", "encrypt", "hsm");
        vault().loseKeyExchangeKeys();

        f.distribute("p", "k2", "encrypt", "hsm");

        List<String> keks = vault().keyExchangeKeysCreated();
        assertEquals(2, keks.size());
        assertEquals(Optional.of(keks.get(1)), f.storedProvider("p").keyExchangeKeyId(), "the new one is remembered");
        assertEquals(Optional.of(keks.get(1)), inVault("k2").get(0).wrappedForKek());
        assertEquals(f.modulusOf("k2", 1), inVault("k2").get(0).modulus());
    }

    @Test
    void aKeyExchangeKeyThatCannotBeReadForAnotherReasonIsNotReplaced() {
        f.seedKey("k1", 1);
        f.seedKey("k2", 1);
        f.distribute("p", "k1", "encrypt", "hsm");
        vault().refuseNext(Op.GET_KEK, 1, Reason.FORBIDDEN);

        KeyManagementException e = assertFault(Fault.AZURE_DENIED, () -> f.distribute("p", "k2", "encrypt", "hsm"));

        assertTrue(e.getMessage().contains("lacks the keys/get permission"), e.getMessage());
        assertEquals(1, vault().keyExchangeKeysCreated().size(), "no second KEK");
        assertEquals(List.of(), inVault("k2"));
    }

    @Test
    void softwareProtectionImportsWithoutAKeyExchangeKey() {
        f.seedKey("k", 2);

        f.distribute("p", "k", "sign,verify", "software");

        assertEquals(List.of(), vault().keyExchangeKeysCreated());
        assertEquals(0, vault().calls().count(Op.CREATE_KEK) + vault().calls().count(Op.GET_KEK));
        assertEquals(Optional.empty(), f.storedProvider("p").keyExchangeKeyId());
        List<Version> versions = inVault("k");
        assertEquals(List.of(Protection.SOFTWARE, Protection.SOFTWARE), versions.stream().map(Version::protection).toList());
        assertEquals(f.modulusOf("k", 1), versions.get(0).modulus());
        assertEquals(f.modulusOf("k", 2), versions.get(1).modulus());
    }

    @Test
    void protectionIsHsmWhenNotGiven() {
        f.seedKey("k", 1);

        f.distributions().distribute("p", "k", params("purpose", "encrypt"));

        Distribution d = f.distribution("p", "k");
        assertEquals(Protection.HSM, d.protection());
        assertEquals(Protection.HSM, inVault("k").get(0).protection());
        assertEquals(1, vault().keyExchangeKeysCreated().size());
    }

    // Versions

    @Test
    void everyVersionIsImportedOldestFirstWithItsFinalEnabledFlag() {
        f.seedKey("k", 4, 3, false);

        f.distribute("p", "k", "encrypt,decrypt", "hsm");

        List<Version> versions = inVault("k");
        assertEquals(List.of("1", "2", "3", "4"), versions.stream().map(v -> v.tags().get("keymgmt_version")).toList());
        for (int n = 1; n <= 4; n++) {
            assertEquals(f.modulusOf("k", n), versions.get(n - 1).modulus(), "the vault unwrapped version " + n);
        }
        assertEquals(List.of(false, false, true, true), versions.stream().map(Version::enabled).toList());
        assertEquals(0, vault().calls().count(Op.UPDATE), "imported with their final flag, nothing to re-apply");
        Distribution d = f.distribution("p", "k");
        assertEquals(DistributionState.ACTIVE, d.state());
        assertEquals(3, d.appliedMinEnabledVersion());
        assertEquals(Optional.empty(), d.lastError());
        assertEquals(Map.of(1, versions.get(0).versionId(), 2, versions.get(1).versionId(), 3,
                versions.get(2).versionId(), 4, versions.get(3).versionId()), d.azureVersions());
    }

    @Test
    void importsCarryThePurposesAsKeyOperationsAndTraceableTags() {
        f.seedKey("k", 1);

        f.distribute("p", "k", "wrap, unwrap,sign", "software");

        Version v = inVault("k").get(0);
        assertEquals(List.of("wrapKey", "unwrapKey", "sign"), v.keyOperations());
        String azureName = f.distribution("p", "k").azureKeyName();
        assertEquals(Map.of("key_name", azureName, "keymgmt_key", "k", "keymgmt_version", "1"), v.tags());
        assertEquals(Set.of(KeyPurpose.WRAP, KeyPurpose.UNWRAP, KeyPurpose.SIGN), f.distribution("p", "k").purposes());
    }

    @Test
    void theAzureNameIsTheKeyNameMadeSafeWithTheTimestamp() {
        f.seedKey("my_key.v1", 1);

        f.distribute("p", "my_key.v1", "encrypt", "software");

        assertEquals("my-key-v1-" + T0_SECONDS, f.distribution("p", "my_key.v1").azureKeyName());
        assertEquals(List.of("my-key-v1-" + T0_SECONDS), vault().liveKeyNames());
    }

    @Test
    void theMembershipIsRecordedAndListed() {
        f.seedKey("k", 1);
        f.seedKey("j", 1);

        f.distribute("p", "k", "encrypt", "software");
        f.distribute("p", "j", "encrypt", "software");

        assertEquals(List.of("j", "k"), f.distributions().keysOf("p"));
        assertEquals(List.of("j", "k"), f.providerStore.members("p"));
        assertEquals("k", f.distributions().read("p", "k").keyName());
    }

    @Test
    void keysOfAMissingProviderIsNotFoundAndReadOfAMissingDistributionToo() {
        f.seedKey("k", 1);

        assertEquals("KMS provider \"q\" not found", assertFault(Fault.NOT_FOUND,
                () -> f.distributions().keysOf("q")).getMessage());
        assertEquals("key \"k\" is not distributed to KMS provider \"p\"", assertFault(Fault.NOT_FOUND,
                () -> f.distributions().read("p", "k")).getMessage());
    }

    @Test
    void repeatingADistributionImportsNothingAgain() {
        f.seedKey("k", 2);
        f.distribute("p", "k", "encrypt", "hsm");

        f.distribute("p", "k", "encrypt", "hsm");
        f.distributions().distribute("p", "k", Parameters.none());

        assertEquals(2, vault().calls().count(Op.IMPORT));
        assertEquals(2, inVault("k").size());
    }

    @Test
    void aDistributionResumesFromTheLastRecordedVersionAfterAnAzureFailure() {
        f.seedKey("k", 3);
        vault().calls().failNthCall(Op.IMPORT, 2, () -> vault().refusal(Op.IMPORT, Reason.THROTTLED));

        KeyManagementException e = assertFault(Fault.AZURE_THROTTLED, () -> f.distribute("p", "k", "encrypt", "software"));

        assertEquals(Optional.of(Duration.ofSeconds(7)), e.retryAfter());
        Distribution failed = f.distribution("p", "k");
        assertEquals(DistributionState.DISTRIBUTING, failed.state());
        assertEquals(Set.of(1), failed.azureVersions().keySet(), "version 1 went in and was recorded");
        assertEquals(Optional.of(e.getMessage()), failed.lastError());

        f.distribute("p", "k", "encrypt", "software");

        List<Version> versions = inVault("k");
        assertEquals(3, versions.size(), "version 1 was not imported twice");
        assertEquals(List.of("1", "2", "3"), versions.stream().map(v -> v.tags().get("keymgmt_version")).toList());
        Distribution done = f.distribution("p", "k");
        assertEquals(DistributionState.ACTIVE, done.state());
        assertEquals(Optional.empty(), done.lastError(), "the error is cleared once the distribution is complete");
        assertEquals(failed.azureVersions().get(1), done.azureVersions().get(1));
    }

    @Test
    void theVaultIsNotTouchedBeforeTheMembershipIsRecorded() {
        f.seedKey("k", 1);
        f.providerStore.calls().failNext(InMemoryProviderStore.Call.ADD_MEMBER, 1,
                StoreFaults::outage);

        assertFault(Fault.STORAGE_UNAVAILABLE, () -> f.distribute("p", "k", "encrypt", "software"));

        assertEquals(0, vault().calls().total(), "Azure is touched only after both records");
        assertEquals(0, f.vaults.opens().size());
        assertTrue(f.storedDistribution("p", "k").isPresent(), "the distribution was recorded first");

        f.distribute("p", "k", "encrypt", "software");

        assertEquals(List.of("k"), f.providerStore.members("p"), "the repeated request recorded the membership");
        assertEquals(1, inVault("k").size());
    }

    @Test
    void aVaultThatReportsAnotherPublicKeyFailsTheImportAndNothingIsRecorded() {
        f.seedKey("k", 1);
        vault().reportWrongModulusOnNextImport();

        KeyManagementException e = assertFault(Fault.AZURE_FAILED, () -> f.distribute("p", "k", "encrypt", "software"));

        assertTrue(e.getMessage().startsWith("Key Vault reports a different public key for k-" + T0_SECONDS), e.getMessage());
        assertTrue(e.getMessage().endsWith("than version 1 of key \"k\"; the import is not trustworthy"), e.getMessage());
        assertEquals(Map.of(), f.distribution("p", "k").azureVersions());

        f.distribute("p", "k", "encrypt", "software");

        assertEquals(Set.of(1), f.distribution("p", "k").azureVersions().keySet());
    }

    // Rules

    @Test
    void purposeIsRequiredForANewDistribution() {
        f.seedKey("k", 1);

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                () -> f.distributions().distribute("p", "k", params("protection", "software")));

        assertEquals("missing purpose: give one or more of encrypt, decrypt, sign, verify, wrap, unwrap", e.getMessage());
        assertEquals(0, f.keyStore.calls().count(InMemoryKeyStore.Call.ADD_DISTRIBUTION));
        assertEquals(0, vault().calls().total());
    }

    @Test
    void anEmptyPurposeIsRefused() {
        f.seedKey("k", 1);

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> f.distribute("p", "k", " , ", "software"));

        assertTrue(e.getMessage().startsWith("purpose: at least one purpose is required"), e.getMessage());
    }

    @Test
    void purposeCannotChangeOnceDistributed() {
        f.seedKey("k", 1);
        f.distribute("p", "k", "encrypt,decrypt", "software");

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> f.distribute("p", "k", "encrypt", "software"));

        assertEquals("purpose and protection cannot be changed after the key has been distributed: key \"k\" is in"
                + " \"p\" with purpose encrypt,decrypt and protection software; remove it from the provider first to"
                + " change them", e.getMessage());
        assertEquals(Set.of(KeyPurpose.ENCRYPT, KeyPurpose.DECRYPT), f.distribution("p", "k").purposes());
    }

    @Test
    void protectionCannotChangeOnceDistributed() {
        f.seedKey("k", 1);
        f.distribute("p", "k", "encrypt", "software");

        assertFault(Fault.INVALID_REQUEST, () -> f.distribute("p", "k", "encrypt", "hsm"));

        assertEquals(Protection.SOFTWARE, f.distribution("p", "k").protection());
        assertEquals(List.of(), vault().keyExchangeKeysCreated());
    }

    @Test
    void theSamePurposesInAnotherOrderAreTheSame() {
        f.seedKey("k", 1);
        f.distribute("p", "k", "encrypt,decrypt", "software");

        f.distributions().distribute("p", "k", params("purpose", List.of("decrypt", "encrypt")));

        assertEquals(1, inVault("k").size());
    }

    @Test
    void distributingAMissingKeyOrToAMissingProviderIsNotFound() {
        f.seedKey("k", 1);

        assertEquals("key \"nope\" not found", assertFault(Fault.NOT_FOUND,
                () -> f.distribute("p", "nope", "encrypt", "software")).getMessage());
        assertEquals("KMS provider \"q\" not found", assertFault(Fault.NOT_FOUND,
                () -> f.distribute("q", "k", "encrypt", "software")).getMessage());
        assertEquals(0, f.keyStore.calls().count(InMemoryKeyStore.Call.ADD_DISTRIBUTION));
    }

    // Names in Azure

    @Test
    void aNameHeldBySoftDeletedKeyIsAvoidedWithTheNextTimestamp() {
        f.seedKey("k", 2);
        f.distribute("p", "k", "encrypt", "software");
        f.distributions().remove("p", "k");
        String first = "k-" + T0_SECONDS;
        assertTrue(vault().isSoftDeleted(first));

        f.distribute("p", "k", "encrypt", "software");

        Distribution d = f.distribution("p", "k");
        assertEquals("k-" + (T0_SECONDS + 1), d.azureKeyName(), "the soft-deleted name is taken until purged");
        assertEquals(List.of("k-" + (T0_SECONDS + 1)), vault().liveKeyNames());
        assertEquals(2, inVault("k").size());
        assertEquals(2 + 1 + 2, vault().calls().count(Op.IMPORT), "first distribution, one refused import, the two again");
        assertEquals(Optional.empty(), d.lastError());
    }

    @Test
    void theNameIsKeptOnceAVersionIsInTheVault() {
        f.seedKey("k", 2);
        vault().calls().failNthCall(Op.IMPORT, 2, () -> vault().refusal(Op.IMPORT, Reason.CONFLICT));

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> f.distribute("p", "k", "encrypt", "software"));

        assertTrue(e.getMessage().contains("refused import"), e.getMessage());
        assertEquals("k-" + T0_SECONDS, f.distribution("p", "k").azureKeyName());
        assertEquals(2, vault().calls().count(Op.IMPORT), "no retry under another name");
    }

    @Test
    void renamingGivesUpAfterThreeNamesAndRecordsWhy() {
        f.seedKey("k", 1);
        vault().refuseUntilAllowed(Op.IMPORT, Reason.CONFLICT);

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> f.distribute("p", "k", "encrypt", "software"));

        assertEquals(3, vault().calls().count(Op.IMPORT));
        Distribution d = f.distribution("p", "k");
        assertEquals("k-" + (T0_SECONDS + 2), d.azureKeyName(), "each attempt under a new name, and the last is recorded");
        assertEquals(Optional.of(e.getMessage()), d.lastError(), "the distribution says why it stopped");
        assertEquals(DistributionState.DISTRIBUTING, d.state());

        vault().allow(Op.IMPORT);
        f.distribute("p", "k", "encrypt", "software");

        assertEquals(DistributionState.ACTIVE, f.distribution("p", "k").state());
        assertEquals("k-" + (T0_SECONDS + 2), f.distribution("p", "k").azureKeyName());
    }

    @Test
    void aKeyOfATypeAzureCannotHoldIsRefused() {
        f.seedKey("k", 1);
        // Written by something other than this engine, which creates RSA keys only.
        f.quietly(() -> {
            var header = f.keyStore.find("k").orElseThrow();
            f.keyStore.update(new ManagedKey("k", KeyType.ECDSA_P256, 1, 1, false,
                    header.value().createdAt(), header.value().updatedAt()), header.etag());
        });

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> f.distribute("p", "k", "sign", "hsm"));

        assertTrue(e.getMessage().startsWith("key type \"ecdsa-p256\" cannot be used with Azure Key Vault"),
                e.getMessage());
        assertTrue(f.storedDistribution("p", "k").isEmpty());
    }
}
