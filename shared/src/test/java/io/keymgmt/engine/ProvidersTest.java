package io.keymgmt.engine;

import static io.keymgmt.engine.EngineFixture.AZURE;
import static io.keymgmt.engine.EngineFixture.assertFault;
import static io.keymgmt.engine.EngineFixture.map;
import static io.keymgmt.engine.EngineFixture.params;
import static io.keymgmt.engine.EngineFixture.vaultName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.credentials.ProviderCredentials;
import io.keymgmt.engine.fakes.InMemoryProviderStore.Call;
import io.keymgmt.engine.fakes.InMemoryVaults.Connection;
import io.keymgmt.engine.fakes.StoreFaults;
import io.keymgmt.kms.KmsProvider;
import io.keymgmt.kms.KmsProviderType;
import io.keymgmt.store.Stored;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KMS provider create, update, read, list and delete, and what is checked on the way. */
class ProvidersTest {

    private static final Object CREDENTIALS = map("tenant_id", "tenant-1", "client_id", "client-a",
            "client_secret", "s3cret-a");

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

    private ProviderCredentials unsealed(KmsProvider provider) {
        return new ProviderCredentialSealing(f.sealer).unseal(provider.name(), provider.sealedCredentials());
    }

    @Test
    void createStoresTheProviderWithItsCredentialsOnlySealed() {
        Written written = f.providers().write("p", params("provider", AZURE, "key_collection", "vault-p",
                "credentials", CREDENTIALS));

        assertEquals(List.of(), written.warnings());
        KmsProvider stored = f.storedProvider("p");
        assertEquals(KmsProviderType.AZURE_KEY_VAULT, stored.type());
        assertEquals("vault-p", stored.keyCollection());
        assertEquals(Optional.empty(), stored.keyExchangeKeyId());
        assertEquals(EngineFixture.T0, stored.createdAt());
        byte[] sealed = stored.sealedCredentials().orElseThrow().toBytes();
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("s3cret-a"), "the secret is not in the clear");
        try (ProviderCredentials opened = unsealed(stored)) {
            assertEquals(Optional.of("tenant-1"), opened.tenantId());
            assertEquals(Optional.of("client-a"), opened.clientId());
        }
        assertEquals(List.of(new Connection("vault-p", Optional.of("tenant-1"), Optional.of("client-a"),
                Optional.of("s3cret-a"), Optional.empty())), f.vaults.checks(), "checked with what was given");
        assertEquals(List.of(), f.vaults.opens(), "creating a provider does not call Azure");
    }

    @Test
    void aProviderWithoutCredentialsStoresNone() {
        f.provider("p");

        assertEquals(Optional.empty(), f.storedProvider("p").sealedCredentials());
        assertEquals(1, f.vaults.checks().size());
    }

    @Test
    void providerIsRequiredOnCreation() {
        KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                () -> f.providers().write("p", params("key_collection", "vault-p")));

        assertEquals("missing provider: use provider=azurekeyvault", e.getMessage());
        assertTrue(f.providerStore.stored("p").isEmpty());
    }

    @Test
    void keyCollectionIsRequiredOnCreation() {
        KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                () -> f.providers().write("p", params("provider", AZURE)));

        assertEquals("missing key_collection: the name of an existing Azure Key Vault", e.getMessage());
        assertTrue(f.providerStore.stored("p").isEmpty());
    }

    @Test
    void onlyAzureKeyVaultIsServed() {
        KeyManagementException aws = assertFault(Fault.INVALID_REQUEST,
                () -> f.providers().write("p", params("provider", "awskms", "key_collection", "v")));
        assertTrue(aws.getMessage().contains("provider \"awskms\" is not supported"), aws.getMessage());
        KeyManagementException unknown = assertFault(Fault.INVALID_REQUEST,
                () -> f.providers().write("p", params("provider", "vaultish", "key_collection", "v")));
        assertEquals("unknown provider \"vaultish\": use azurekeyvault", unknown.getMessage());
        assertTrue(f.providerStore.stored("p").isEmpty());

        f.providers().write("p", params("provider", "AzureKeyVault", "key_collection", "v"));
        assertEquals(KmsProviderType.AZURE_KEY_VAULT, f.storedProvider("p").type());
    }

    @Test
    void providerCannotBeChangedToAnotherKind() {
        f.provider("p");

        assertFault(Fault.INVALID_REQUEST, () -> f.providers().write("p", params("provider", "gcpckms",
                "credentials", CREDENTIALS)));

        assertEquals(Optional.empty(), f.storedProvider("p").sealedCredentials(), "nothing of the request was applied");
        assertEquals(0, f.providerStore.calls().count(Call.REPLACE));
    }

    @Test
    void keyCollectionCannotChange() {
        f.provider("p");

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> f.providers().write("p",
                params("key_collection", "elsewhere", "credentials", CREDENTIALS)));

        assertEquals("key_collection cannot be changed after creation: KMS provider \"p\" uses vault-p; create another"
                + " provider for another vault", e.getMessage());
        assertEquals(vaultName("p"), f.storedProvider("p").keyCollection());
        assertEquals(Optional.empty(), f.storedProvider("p").sealedCredentials());
    }

    @Test
    void theSameProviderAndKeyCollectionAreAcceptedOnUpdate() {
        f.provider("p");

        f.providers().write("p", params("provider", AZURE, "key_collection", vaultName("p"), "credentials", CREDENTIALS));

        assertTrue(f.storedProvider("p").sealedCredentials().isPresent());
    }

    @Test
    void anUpdateWithoutCredentialsWritesNothing() {
        f.provider("p");
        Stored<KmsProvider> before = f.providerStore.stored("p").orElseThrow();

        f.providers().write("p", params("provider", AZURE));

        assertEquals(0, f.providerStore.calls().count(Call.REPLACE));
        assertEquals(before, f.providerStore.stored("p").orElseThrow());
    }

    @Test
    void updatedCredentialsAreUsedForTheNextCallToAzure() {
        f.seedKey("k1", 1);
        f.seedKey("k2", 1);
        f.providers().write("p", params("provider", AZURE, "key_collection", "vault-p", "credentials", CREDENTIALS));
        f.distribute("p", "k1", "encrypt", "software");
        f.clock.advance(Duration.ofHours(1));

        f.providers().write("p", params("credentials", map("tenant_id", "tenant-1", "client_id", "client-b",
                "client_secret", "s3cret-b")));
        f.distribute("p", "k2", "encrypt", "software");

        List<Connection> opens = f.vaults.opens();
        assertEquals(2, opens.size(), "the cached connection was dropped when the credentials changed");
        assertEquals(Optional.of("client-a"), opens.get(0).clientId());
        assertEquals(Optional.of("client-b"), opens.get(1).clientId());
        assertEquals(Optional.of("s3cret-b"), opens.get(1).clientSecret());
        KmsProvider stored = f.storedProvider("p");
        assertEquals(EngineFixture.T0.plus(Duration.ofHours(1)), stored.updatedAt());
        assertEquals(EngineFixture.T0, stored.createdAt());
    }

    @Test
    void connectionsAreReusedWhileTheProviderIsUnchanged() {
        f.seedKey("k1", 1);
        f.seedKey("k2", 1);
        f.provider("p");

        f.distribute("p", "k1", "encrypt", "software");
        f.distribute("p", "k2", "encrypt", "software");

        assertEquals(1, f.vaults.opens().size());
    }

    @Test
    void aVaultTheConnectorCannotAddressIsABadRequestNamingTheProvider() {
        f.vaults.unaddressable("bad_vault", "\"bad_vault\" is not a valid Key Vault name (3-24 letters, digits, -)");

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                () -> f.providers().write("p", params("provider", AZURE, "key_collection", "bad_vault")));

        assertEquals("KMS provider \"p\": key_collection: \"bad_vault\" is not a valid Key Vault name (3-24 letters,"
                + " digits, -)", e.getMessage());
        assertTrue(f.providerStore.stored("p").isEmpty());
        assertEquals(0, f.sealer.calls().total(), "nothing was sealed for a refused provider");
    }

    @Test
    void credentialsTheConnectorRefusesOnUpdateLeaveTheOldOnes() {
        f.providers().write("p", params("provider", AZURE, "key_collection", "vault-p", "credentials", CREDENTIALS));
        f.vaults.unaddressable("vault-p", "client_secret given without client_id");

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> f.providers().write("p",
                params("credentials", map("client_secret", "x"))));

        assertTrue(e.getMessage().startsWith("KMS provider \"p\": "), e.getMessage());
        try (ProviderCredentials kept = unsealed(f.storedProvider("p"))) {
            assertEquals(Optional.of("client-a"), kept.clientId());
        }
    }

    @Test
    void unknownCredentialKeysAreRefusedWithTheAcceptedOnes() {
        KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> f.providers().write("p",
                params("provider", AZURE, "key_collection", "v", "credentials", map("password", "x"))));

        assertEquals("credentials: unknown credentials key [password] for provider azurekeyvault; accepted keys:"
                + " tenant_id, client_id, client_secret, environment", e.getMessage());
        assertTrue(f.providerStore.stored("p").isEmpty());
        assertEquals(0, f.vaults.checks().size());
    }

    @Test
    void readGivesTheProviderAndAMissingOneIsNotFound() {
        f.provider("p");

        assertEquals(vaultName("p"), f.providers().read("p").keyCollection());
        KeyManagementException e = assertFault(Fault.NOT_FOUND, () -> f.providers().read("q"));
        assertEquals("KMS provider \"q\" not found", e.getMessage());
    }

    @Test
    void listGivesTheNamesInOrder() {
        f.provider("west");
        f.provider("east");

        assertEquals(List.of("east", "west"), f.providers().list());
    }

    @Test
    void deleteRemovesTheProviderAndItsCachedConnection() {
        f.seedKey("k", 1);
        f.provider("p");
        f.distribute("p", "k", "encrypt", "software");
        f.distributions().remove("p", "k");

        f.providers().delete("p");

        assertTrue(f.providerStore.stored("p").isEmpty());
        f.providers().write("p", params("provider", AZURE, "key_collection", vaultName("p"), "credentials",
                CREDENTIALS));
        f.distribute("p", "k", "encrypt", "software");
        assertEquals(Optional.of("client-a"), f.vaults.opens().get(f.vaults.opens().size() - 1).clientId(),
                "the recreated provider's credentials, not a connection cached for the deleted one");
    }

    @Test
    void deletingAMissingProviderSucceeds() {
        f.providers().delete("never-was");

        assertEquals(0, f.providerStore.calls().count(Call.DELETE));
    }

    @Test
    void aProviderHoldingKeysIsNotDeleted() {
        f.seedKey("b", 1);
        f.seedKey("a", 1);
        f.provider("p");
        f.distribute("p", "b", "encrypt", "software");
        f.distribute("p", "a", "encrypt", "software");

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> f.providers().delete("p"));

        assertEquals("KMS provider \"p\" still holds keys a, b: remove each with DELETE kms/p/key/<key> first",
                e.getMessage());
        assertTrue(f.providerStore.stored("p").isPresent());
        assertEquals(0, f.providerStore.calls().count(Call.DELETE));
    }

    @Test
    void aKeyThatJoinsBetweenTheCheckAndTheDeleteIsReported() {
        f.seedKey("k", 1);
        f.provider("p");
        f.providerStore.calls().beforeNext(Call.DELETE, f.meanwhile(() -> f.anotherInstance().distributions()
                .distribute("p", "k", params("purpose", "encrypt", "protection", "software"))));

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> f.providers().delete("p"));

        assertTrue(e.getMessage().startsWith("KMS provider \"p\" still holds keys k:"), e.getMessage());
        assertEquals(1, f.providerStore.calls().count(Call.DELETE), "the store refused the deletion");
        assertEquals(3, f.providerStore.calls().count(Call.MEMBER_KEYS),
                "ours, the store's after its mark, and the retry's");
        assertTrue(f.providerStore.stored("p").isPresent());
        assertEquals(List.of("k"), f.providerStore.members("p"));
    }

    @Test
    void aDeletionThatLosesARaceToAnUpdateIsRetried() {
        f.provider("p");
        f.providerStore.calls().beforeNext(Call.DELETE, f.meanwhile(() -> f.anotherInstance().providers().write("p",
                params("credentials", CREDENTIALS))));

        f.providers().delete("p");

        assertEquals(2, f.providerStore.calls().count(Call.DELETE));
        assertTrue(f.providerStore.stored("p").isEmpty());
    }

    @Test
    void aDeletionThatLosesFiveRacesIsAConflict() {
        f.provider("p");
        f.providerStore.calls().failNext(Call.DELETE, 5, StoreFaults::lostRace);

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> f.providers().delete("p"));

        assertEquals("KMS provider \"p\" is being changed by other requests; retry", e.getMessage());
        assertEquals(5, f.providerStore.calls().count(Call.DELETE));
        assertTrue(f.providerStore.stored("p").isPresent());
    }

    @Test
    void aCreateThatLosesToAnotherCreatorBecomesAnUpdate() {
        f.providerStore.calls().beforeNext(Call.CREATE, f.meanwhile(() -> f.provider("p")));

        f.providers().write("p", params("provider", AZURE, "key_collection", vaultName("p"), "credentials", CREDENTIALS));

        assertEquals(1, f.providerStore.calls().count(Call.CREATE));
        assertEquals(1, f.providerStore.calls().count(Call.REPLACE));
        assertTrue(f.storedProvider("p").sealedCredentials().isPresent());
    }

    @Test
    void aCreateThatLosesToACreatorOfAnotherVaultIsRefused() {
        f.providerStore.calls().beforeNext(Call.CREATE, f.meanwhile(() -> f.providers().write("p",
                params("provider", AZURE, "key_collection", "theirs"))));

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> f.providers().write("p",
                params("provider", AZURE, "key_collection", "ours")));

        assertTrue(e.getMessage().startsWith("key_collection cannot be changed after creation"), e.getMessage());
        assertEquals("theirs", f.storedProvider("p").keyCollection());
    }

    @Test
    void anUpdateThatLosesARaceIsRetried() {
        f.provider("p");
        f.providerStore.calls().failNext(Call.REPLACE, 4, StoreFaults::lostRace);

        f.providers().write("p", params("credentials", CREDENTIALS));

        assertEquals(5, f.providerStore.calls().count(Call.REPLACE));
        assertTrue(f.storedProvider("p").sealedCredentials().isPresent());
    }

    @Test
    void anUpdateThatLosesFiveRacesIsAConflict() {
        f.provider("p");
        f.providerStore.calls().failNext(Call.REPLACE, 5, StoreFaults::lostRace);

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> f.providers().write("p",
                params("credentials", CREDENTIALS)));

        assertEquals("KMS provider \"p\" is being changed by other requests; retry", e.getMessage());
        assertEquals(Optional.empty(), f.storedProvider("p").sealedCredentials());
    }
}
