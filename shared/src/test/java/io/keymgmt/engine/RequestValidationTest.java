package io.keymgmt.engine;

import static io.keymgmt.engine.EngineFixture.AZURE;
import static io.keymgmt.engine.EngineFixture.assertFault;
import static io.keymgmt.engine.EngineFixture.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.credentials.ProviderCredentials;
import io.keymgmt.keys.KeyPurpose;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.keys.Protection;
import io.keymgmt.kms.KmsProvider;
import io.keymgmt.store.Stored;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each operation reads its own parameters with Vault's weak typing, refuses what it cannot read
 * naming the parameter (before anything is written), reports what it does not take as Vault's
 * warning, and refuses names that cannot be a path segment, a partition key and an Azure name.
 */
class RequestValidationTest {

    private static final String IGNORED = "Endpoint ignored these unrecognized parameters: ";

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

    // key/:name

    @Test
    void keyParametersAsTheVaultCliSendsThem() {
        f.seedKey("k", 3);

        Written written = f.keys().write("k", params("type", "rsa-2048", "min_enabled_version", "2",
                "deletion_allowed", "true"));

        assertEquals(List.of(), written.warnings());
        ManagedKey key = f.storedKey("k");
        assertEquals(2, key.minEnabledVersion());
        assertTrue(key.deletionAllowed());
    }

    @Test
    void keyParametersAsJsonTypes() {
        f.seedKey("k", 3);

        f.keys().write("k", params("min_enabled_version", 3L, "deletion_allowed", 1));

        assertEquals(3, f.storedKey("k").minEnabledVersion());
        assertTrue(f.storedKey("k").deletionAllowed());
    }

    @Test
    void aKeyParameterOfTheWrongTypeIsRefusedByNameAndNothingElseApplies() {
        f.seedKey("k", 3);
        Stored<ManagedKey> before = f.findKey("k").orElseThrow();

        assertEquals("min_enabled_version must be an integer, got \"latest\"", assertFault(Fault.INVALID_REQUEST,
                () -> f.keys().write("k", params("deletion_allowed", true, "min_enabled_version", "latest")))
                .getMessage());
        assertEquals("deletion_allowed must be a boolean (true or false), got \"yes\"", assertFault(
                Fault.INVALID_REQUEST, () -> f.keys().write("k", params("min_enabled_version", 2,
                        "deletion_allowed", "yes"))).getMessage());
        assertEquals("type must be a string, got a list", assertFault(Fault.INVALID_REQUEST,
                () -> f.keys().write("k", params("type", List.of("rsa-2048")))).getMessage());

        assertEquals(before, f.findKey("k").orElseThrow());
        assertEquals(0, f.keyStore.calls().total(), "refused before storage was asked");
    }

    @Test
    void unknownKeyParametersAreReportedAndChangeNothing() {
        f.seedKey("k", 2);
        Stored<ManagedKey> before = f.findKey("k").orElseThrow();

        Written written = f.keys().write("k", params("min_enabled_versions", 2, "exportable", true));

        assertEquals(List.of(IGNORED + "[exportable, min_enabled_versions]"), written.warnings());
        assertEquals(before, f.findKey("k").orElseThrow(), "nothing was written");
    }

    @Test
    void unknownParametersOnCreationAreReportedAndTheKeyIsMade() {
        Written written = f.keys().write("k", params("allow_plaintext_backup", true));

        assertEquals(List.of(IGNORED + "[allow_plaintext_backup]"), written.warnings());
        assertEquals(1, f.storedKey("k").latestVersion());
    }

    // kms/:name

    @Test
    void credentialsAsTheVaultCliSendsThemRepeated() {
        f.providers().write("p", params("provider", AZURE, "key_collection", "v1",
                "credentials", List.of("tenant_id=t", "client_id=c", "client_secret=s=with=equals")));

        KmsProvider p = f.storedProvider("p");
        try (ProviderCredentials c = new ProviderCredentialSealing(f.sealer).unseal("p", p.sealedCredentials())) {
            assertEquals(Optional.of("t"), c.tenantId());
            assertEquals(Optional.of("c"), c.clientId());
        }
        assertEquals(Optional.of("s=with=equals"), f.vaults.checks().get(0).clientSecret());
    }

    @Test
    void aProviderParameterOfTheWrongTypeIsRefusedByName() {
        assertEquals("key_collection must be a string, got an object", assertFault(Fault.INVALID_REQUEST,
                () -> f.providers().write("p", params("provider", AZURE, "key_collection", EngineFixture.map("a", "b"))))
                .getMessage());
        assertEquals("credentials.client_id must be a string", assertFault(Fault.INVALID_REQUEST,
                () -> f.providers().write("p", params("provider", AZURE, "key_collection", "v",
                        "credentials", EngineFixture.map("client_id", 7)))).getMessage());
        assertTrue(f.providerStore.stored("p").isEmpty());
        assertEquals(0, f.vaults.checks().size());
    }

    @Test
    void unknownProviderParametersAreReportedAndChangeNothing() {
        f.provider("p");
        Stored<KmsProvider> before = f.providerStore.stored("p").orElseThrow();

        Written written = f.providers().write("p", params("region", "westeurope"));

        assertEquals(List.of(IGNORED + "[region]"), written.warnings());
        assertEquals(before, f.providerStore.stored("p").orElseThrow());
    }

    // kms/:name/key/:key

    @Test
    void purposeAsACommaStringAListOrAListOfCommaStrings() {
        f.provider("p");
        for (String k : List.of("a", "b", "c")) {
            f.seedKey(k, 1);
        }

        f.distributions().distribute("p", "a", params("purpose", "encrypt,decrypt", "protection", "software"));
        f.distributions().distribute("p", "b", params("purpose", List.of("encrypt", "decrypt"), "protection", "software"));
        f.distributions().distribute("p", "c", params("purpose", List.of("encrypt, decrypt"), "protection", "software"));

        for (String k : List.of("a", "b", "c")) {
            assertEquals(Set.of(KeyPurpose.ENCRYPT, KeyPurpose.DECRYPT), f.distribution("p", k).purposes(), k);
            assertEquals(Protection.SOFTWARE, f.distribution("p", k).protection(), k);
        }
    }

    @Test
    void anUnknownPurposeOrProtectionIsRefusedBeforeAnythingIsRecorded() {
        f.provider("p");
        f.seedKey("k", 1);

        assertEquals("purpose: unknown purpose \"export\"; valid purposes are encrypt, decrypt, sign, verify, wrap,"
                + " unwrap", assertFault(Fault.INVALID_REQUEST,
                () -> f.distribute("p", "k", "encrypt,export", "software")).getMessage());
        assertEquals("protection: unknown protection \"HSM\"; valid protections are hsm and software",
                assertFault(Fault.INVALID_REQUEST, () -> f.distribute("p", "k", "encrypt", "HSM")).getMessage());
        assertEquals("purpose must be a string or a list of strings, got a number", assertFault(Fault.INVALID_REQUEST,
                () -> f.distributions().distribute("p", "k", params("purpose", 3))).getMessage());

        assertTrue(f.storedDistribution("p", "k").isEmpty());
        assertEquals(0, f.vaultOf("p").calls().total());
    }

    @Test
    void unknownDistributionParametersAreReported() {
        f.provider("p");
        f.seedKey("k", 1);

        Written written = f.distributions().distribute("p", "k", params("purpose", "encrypt", "protection",
                "software", "key_ops", "encrypt"));

        assertEquals(List.of(IGNORED + "[key_ops]"), written.warnings());
        assertTrue(f.storedDistribution("p", "k").isPresent());
    }

    @Test
    void aRepeatedDistributionReportsItsUnknownParametersToo() {
        f.provider("p");
        f.seedKey("k", 1);
        f.distribute("p", "k", "encrypt", "software");

        Written written = f.distributions().distribute("p", "k", params("tags", "x"));

        assertEquals(List.of(IGNORED + "[tags]"), written.warnings());
    }

    // Names

    @ParameterizedTest
    @ValueSource(strings = {"", "-k", ".k", "has space", "a/b", "ü", "k#1"})
    void invalidKeyNamesAreRefusedBeforeStorageIsAsked(String name) {
        for (Consumer<String> operation : List.<Consumer<String>>of(
                n -> f.keys().write(n, Parameters.none()),
                n -> f.keys().rotate(n, Parameters.none()),
                n -> f.keys().read(n),
                n -> f.keys().delete(n),
                n -> f.keys().providers(n),
                n -> f.distribute("p", n, "encrypt", "software"),
                n -> f.distributions().read("p", n),
                n -> f.distributions().remove("p", n),
                n -> f.distributions().sync("p", n))) {
            KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> operation.accept(name));
            assertTrue(e.getMessage().startsWith(name.isEmpty() ? "missing key name" : "key name \"" + name
                    + "\" is not valid"), e.getMessage());
        }
        assertEquals(0, f.keyStore.calls().total());
        assertEquals(0, f.providerStore.calls().total());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "_p", "p q", "p/q"})
    void invalidProviderNamesAreRefusedBeforeStorageIsAsked(String name) {
        for (Consumer<String> operation : List.<Consumer<String>>of(
                n -> f.providers().write(n, params("provider", AZURE, "key_collection", "v")),
                n -> f.providers().read(n),
                n -> f.providers().delete(n),
                n -> f.distribute(n, "k", "encrypt", "software"),
                n -> f.distributions().keysOf(n),
                n -> f.distributions().remove(n, "k"),
                n -> f.distributions().sync(n, "k"))) {
            KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> operation.accept(name));
            assertTrue(e.getMessage().startsWith(name.isEmpty() ? "missing KMS provider name" : "KMS provider name \""
                    + name + "\" is not valid"), e.getMessage());
        }
        assertEquals(0, f.keyStore.calls().total());
        assertEquals(0, f.providerStore.calls().total());
    }

    @Test
    void aKeyNameTooLongForAzureIsRefusedSayingWhy() {
        String name = "k".repeat(Names.MAX_KEY_NAME + 1);

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> f.keys().write(name, Parameters.none()));

        assertTrue(e.getMessage().endsWith("at most 116 characters (Azure Key Vault must be able to hold it)"),
                e.getMessage());
    }
}
