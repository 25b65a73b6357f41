package io.keymgmt.engine;

import static io.keymgmt.engine.EngineFixture.assertFault;
import static io.keymgmt.engine.EngineFixture.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.engine.fakes.InMemoryKeyStore;
import io.keymgmt.engine.fakes.InMemoryVault;
import io.keymgmt.engine.fakes.InMemoryVault.Op;
import io.keymgmt.engine.fakes.StoreFaults;
import io.keymgmt.keyvault.KeyVaultException;
import io.keymgmt.keyvault.KeyVaultException.Reason;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.DistributionState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a caller sees when Azure refuses or fails (docs/adr/0006): each reason's status and message,
 * the error recorded on the distribution, and one vault's failure not stopping the others.
 */
class AzureFailuresTest {

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

    private static Fault expectedFault(Reason reason) {
        return switch (reason) {
            case FORBIDDEN, UNAUTHENTICATED -> Fault.AZURE_DENIED;
            case THROTTLED -> Fault.AZURE_THROTTLED;
            case CONFLICT, NOT_FOUND -> Fault.CONFLICT;
            case REJECTED, UNAVAILABLE -> Fault.AZURE_FAILED;
        };
    }

    private static int expectedStatus(Reason reason) {
        return switch (reason) {
            case FORBIDDEN, UNAUTHENTICATED -> 403;
            case THROTTLED -> 503;
            case CONFLICT, NOT_FOUND -> 409;
            case REJECTED, UNAVAILABLE -> 502;
        };
    }

    @ParameterizedTest
    @EnumSource(Reason.class)
    void eachRefusalOfAnImportMapsToItsStatusNamesTheVaultAndIsRecorded(Reason reason) {
        f.provider("p");
        f.seedKey("k", 1);
        // Twice, so a CONFLICT is not simply avoided with a new name; the rest fail at the first.
        f.vaultOf("p").refuseNext(Op.IMPORT, 3, reason);

        KeyManagementException e = assertFault(expectedFault(reason), () -> f.distribute("p", "k", "encrypt", "software"));

        assertEquals(expectedStatus(reason), e.fault().httpStatus());
        assertTrue(e.getMessage().contains("Azure Key Vault https://vault-p.vault.azure.net (KMS provider \"p\")"),
                e.getMessage());
        assertInstanceOf(KeyVaultException.class, e.getCause(), "the Azure failure is kept as the cause");
        assertEquals(reason == Reason.THROTTLED ? Optional.of(Duration.ofSeconds(7)) : Optional.empty(), e.retryAfter());
        Distribution d = f.distribution("p", "k");
        assertEquals(Optional.of(e.getMessage()), d.lastError());
        assertEquals(DistributionState.DISTRIBUTING, d.state());
        assertEquals(Set.of(), d.azureVersions().keySet());
    }

    @Test
    void theAzureErrorIsReportedEvenWhenItCannotBeRecorded() {
        f.provider("p");
        f.seedKey("k", 1);
        f.vaultOf("p").refuseNext(Op.IMPORT, 1, Reason.UNAVAILABLE);
        // The intent to import is recorded; the record of the error is the write that fails.
        f.keyStore.calls().failNthCall(InMemoryKeyStore.Call.UPDATE_DISTRIBUTION, 2, StoreFaults::outage);

        KeyManagementException e = assertFault(Fault.AZURE_FAILED, () -> f.distribute("p", "k", "encrypt", "software"));

        assertTrue(e.getMessage().contains("failed import: Service Unavailable"), e.getMessage());
        assertEquals(2, f.keyStore.calls().count(InMemoryKeyStore.Call.UPDATE_DISTRIBUTION),
                "the attempt to record the error was made");
        assertEquals(Optional.empty(), f.distribution("p", "k").lastError());
    }

    @Test
    void aMissingPermissionIsNamedWithWhatToGrant() {
        f.provider("p");
        f.seedKey("k", 1);
        f.vaultOf("p").refuseNext(Op.CREATE_KEK, 1, Reason.FORBIDDEN);

        KeyManagementException e = assertFault(Fault.AZURE_DENIED, () -> f.distribute("p", "k", "encrypt", "hsm"));

        assertTrue(e.getMessage().startsWith("Azure Key Vault https://vault-p.vault.azure.net (KMS provider \"p\")"
                + " refused create: the identity lacks the keys/create permission. Grant it in the vault's access"
                + " policy, or a role with that data action."), e.getMessage());
    }

    @Test
    void aRefusalWithoutTheMissingPermissionSaysWhereToGrantPermissions() {
        f.provider("p");
        f.seedKey("k", 1);
        f.vaultOf("p").calls().failNext(Op.IMPORT, 1, () -> new KeyVaultException(Reason.FORBIDDEN,
                f.vaultOf("p").url(), "import", "Forbidden by policy", null, null, null));

        KeyManagementException e = assertFault(Fault.AZURE_DENIED, () -> f.distribute("p", "k", "encrypt", "software"));

        assertTrue(e.getMessage().contains("refused import. Grant this function's identity its key permissions"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("Azure said: Forbidden by policy"), e.getMessage());
    }

    @Test
    void badCredentialsSayWhichSettingsToCheck() {
        f.provider("p");
        f.seedKey("k", 1);
        f.vaultOf("p").refuseNext(Op.IMPORT, 1, Reason.UNAUTHENTICATED);

        KeyManagementException e = assertFault(Fault.AZURE_DENIED, () -> f.distribute("p", "k", "encrypt", "software"));

        assertTrue(e.getMessage().startsWith("cannot authenticate to Azure Key Vault"), e.getMessage());
        assertTrue(e.getMessage().endsWith("Check the provider's tenant_id, client_id and client_secret, or the managed"
                + " identity."), e.getMessage());
    }

    @Test
    void aVaultTheConnectorCanNoLongerAddressIsABadRequestNamingTheProvider() {
        f.provider("p");
        f.seedKey("k", 1);
        f.vaults.unaddressable("vault-p", "\"vault-p\" has no URL in cloud AzureChinaCloud");

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> f.distribute("p", "k", "encrypt", "software"));

        assertEquals("KMS provider \"p\": key_collection: \"vault-p\" has no URL in cloud AzureChinaCloud", e.getMessage());
    }

    @Test
    void aFailureInOneVaultDuringRotationDoesNotStopTheOthersAndEachFailureIsNamed() {
        f.seedKey("k", 1);
        for (String p : List.of("p1", "p2", "p3")) {
            f.provider(p);
            f.distribute(p, "k", "encrypt", "software");
        }
        f.vaultOf("p1").refuseNext(Op.IMPORT, 1, Reason.THROTTLED);
        f.vaultOf("p3").refuseNext(Op.IMPORT, 1, Reason.FORBIDDEN);

        KeyManagementException e = assertFault(Fault.AZURE_THROTTLED, () -> f.keys().rotate("k", Parameters.none()));

        assertTrue(e.getMessage().startsWith("version 2 of key \"k\" was created here, but 2 vaults could not follow"
                + " (distributing the key to that provider again with the same purpose and protection finishes the"
                + " job, as does the key's next update or rotation):"), e.getMessage());
        assertTrue(e.getMessage().contains("https://vault-p1.vault.azure.net (KMS provider \"p1\") is throttling"),
                e.getMessage());
        assertTrue(e.getMessage().contains("https://vault-p3.vault.azure.net (KMS provider \"p3\") refused import"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\"p2\""), e.getMessage());
        assertEquals(Optional.of(Duration.ofSeconds(7)), e.retryAfter(), "the first failure's Retry-After");
        assertEquals(2, f.storedKey("k").latestVersion(), "the rotation stands");
        assertEquals(Set.of(1, 2), f.distribution("p2", "k").azureVersions().keySet(), "p2 followed");
        assertEquals(Set.of(1), f.distribution("p1", "k").azureVersions().keySet());
        assertEquals(Set.of(1), f.distribution("p3", "k").azureVersions().keySet());
        assertTrue(f.distribution("p1", "k").lastError().orElseThrow().contains("throttling"));
        assertTrue(f.distribution("p3", "k").lastError().orElseThrow().contains("keys/import permission"));
        assertEquals(Optional.empty(), f.distribution("p2", "k").lastError());
    }

    @Test
    void oneVaultFailingIsReportedInTheSingular() {
        f.seedKey("k", 2);
        f.provider("p");
        f.distribute("p", "k", "encrypt", "software");
        f.vaultOf("p").refuseNext(Op.UPDATE, 1, Reason.REJECTED);

        KeyManagementException e = assertFault(Fault.AZURE_FAILED,
                () -> f.keys().write("k", params("min_enabled_version", 2)));

        assertTrue(e.getMessage().startsWith("key \"k\" was updated here, but 1 vault could not follow"), e.getMessage());
        assertTrue(e.getMessage().contains("failed update: The request is invalid"), e.getMessage());
    }

    /**
     * Every call an operation makes to a vault, failed in turn: the caller gets the Azure fault, never
     * a raw KeyVaultException, whichever call it was.
     */
    @Test
    void anAzureFailureAtAnyCallOfAnyOperationIsExplained() {
        List<String> checked = new ArrayList<>();
        sweep("distribute hsm", fx -> fx.seedKey("k", 2, 2, false),
                fx -> fx.distribute("p", "k", "encrypt", "hsm"), checked);
        sweep("distribute with a remembered KEK", fx -> {
            fx.seedKey("j", 1);
            fx.seedKey("k", 2);
            fx.distribute("p", "j", "encrypt", "hsm");
        }, fx -> fx.distribute("p", "k", "encrypt", "hsm"), checked);
        sweep("update", fx -> {
            fx.seedKey("k", 3);
            fx.distribute("p", "k", "encrypt", "software");
        }, fx -> fx.keys().write("k", params("min_enabled_version", 3)), checked);
        sweep("remove", fx -> {
            fx.seedKey("k", 1);
            fx.distribute("p", "k", "encrypt", "software");
        }, fx -> fx.distributions().remove("p", "k"), checked);
        assertTrue(checked.size() >= 9, "every call was failed once: " + checked);
    }

    private void sweep(String name, Consumer<EngineFixture> setUp, Consumer<EngineFixture> operation,
            List<String> checked) {
        int calls;
        try (EngineFixture fx = fixture(name, 0)) {
            setUp.accept(fx);
            fx.resetCounts();
            operation.accept(fx);
            calls = fx.vaultOf("p").calls().total();
        }
        assertTrue(calls > 0, name + " calls Azure");
        for (int n = 1; n <= calls; n++) {
            try (EngineFixture fx = fixture(name, n)) {
                setUp.accept(fx);
                fx.resetCounts();
                InMemoryVault vault = fx.vaultOf("p");
                vault.calls().failCall(n, () -> vault.refusal(Op.IMPORT, Reason.UNAVAILABLE));
                KeyManagementException e = assertFault(Fault.AZURE_FAILED, () -> operation.accept(fx));
                assertTrue(e.getMessage().contains("https://vault-p.vault.azure.net (KMS provider \"p\")"),
                        name + " call " + n + ": " + e.getMessage());
                assertFalse(vault.calls().pending(), name + " call " + n + " was reached");
                checked.add(name + " #" + n + " " + vault.calls().log().get(n - 1));
            }
        }
    }

    private EngineFixture fixture(String name, int n) {
        EngineFixture fx = new EngineFixture(dir.resolve(name.replace(' ', '-') + "-" + n));
        fx.provider("p");
        return fx;
    }
}
