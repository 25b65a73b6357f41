package io.keymgmt.engine;

import static io.keymgmt.engine.EngineFixture.assertFault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.engine.fakes.FlakySealer;
import io.keymgmt.engine.fakes.InMemoryVault.Op;
import io.keymgmt.seal.SealingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sealing key failing under every operation that seals or unseals, at every such call: the
 * caller gets SEALING_FAILED (502) with the sealer's reason, and nothing half-done reaches Azure.
 */
class SealingFailuresTest {

    @TempDir
    Path dir;

    @Test
    void aSealingFailureAtAnySealOrUnsealOfAnyOperationIsSealingFailed() {
        List<String> failed = new ArrayList<>();
        Stream.concat(Scenarios.cheap().stream(), Scenarios.generating().stream()).forEach(scenario -> {
            int calls;
            try (EngineFixture f = scenario.start(dir, "count")) {
                scenario.operation().accept(f);
                calls = f.sealer.calls().total();
            }
            for (int n = 1; n <= calls; n++) {
                try (EngineFixture f = scenario.start(dir, "s" + n)) {
                    f.sealer.calls().failCall(n, FlakySealer::kekUnavailable);
                    KeyManagementException e = assertFault(Fault.SEALING_FAILED, () -> scenario.operation().accept(f));
                    assertEquals(502, e.fault().httpStatus());
                    assertEquals("the sealing key could not be used: key-encryption key https://seal.vault.azure.net/"
                            + "keys/kek/1 failed to unwrap a data key (KeyVaultException: Forbidden)", e.getMessage(),
                            scenario + " call " + n);
                    assertInstanceOf(SealingException.class, e.getCause());
                    assertFalse(f.sealer.calls().pending(), scenario + " call " + n + " was reached");
                    failed.add(scenario + " #" + n + " " + f.sealer.calls().log().get(n - 1));
                }
            }
        });
        assertTrue(failed.stream().anyMatch(s -> s.endsWith("SEAL")), failed.toString());
        assertTrue(failed.stream().anyMatch(s -> s.endsWith("UNSEAL")), failed.toString());
        assertTrue(failed.size() >= 10, failed.toString());
    }

    @Test
    void aKeyWhosePrivateKeyCannotBeUnsealedIsNotImported() {
        try (EngineFixture f = new EngineFixture(dir)) {
            f.provider("p");
            f.seedKey("k", 2);
            // The provider has no credentials, so the only unseals are of the versions: fail the second.
            f.sealer.calls().failNthCall(FlakySealer.Call.UNSEAL, 2, FlakySealer::kekUnavailable);

            assertFault(Fault.SEALING_FAILED, () -> f.distribute("p", "k", "encrypt", "hsm"));

            assertEquals(1, f.vaultOf("p").calls().count(Op.IMPORT), "version 1 went in, version 2 could not");
            assertEquals(1, f.distribution("p", "k").azureVersions().size());
        }
    }

    @Test
    void aKeyIsNotCreatedWhenItsFirstVersionCannotBeSealed() {
        try (EngineFixture f = new EngineFixture(dir)) {
            f.sealer.calls().failNext(FlakySealer.Call.SEAL, 1, FlakySealer::kekUnavailable);

            assertFault(Fault.SEALING_FAILED, () -> f.createKey("k"));

            assertTrue(f.findKey("k").isEmpty());
            assertFalse(f.keyStore.holdsAnythingOf("k"));
        }
    }

    @Test
    void aProviderIsNotStoredWhenItsCredentialsCannotBeSealed() {
        try (EngineFixture f = new EngineFixture(dir)) {
            f.sealer.calls().failNext(FlakySealer.Call.SEAL, 1, FlakySealer::kekUnavailable);

            assertFault(Fault.SEALING_FAILED, () -> Scenarios.providerWithCredentials(f, "p"));

            assertTrue(f.providerStore.stored("p").isEmpty());
        }
    }

    @Test
    void aDamagedSealedCredentialIsSealingFailedNotABadRequest() {
        try (EngineFixture f = new EngineFixture(dir)) {
            Scenarios.providerWithCredentials(f, "p");
            f.seedKey("k", 1);
            // Credentials sealed for another provider, copied over: they open only as that provider's.
            Scenarios.providerWithCredentials(f, "q");
            f.quietly(() -> {
                var p = f.providerStore.find("p").orElseThrow();
                var q = f.providerStore.find("q").orElseThrow();
                f.providerStore.replace(p.value().withCredentials(q.value().sealedCredentials(), f.clock.instant()),
                        p.etag());
            });

            KeyManagementException e = assertFault(Fault.SEALING_FAILED, () -> f.distribute("p", "k", "encrypt", "hsm"));

            assertTrue(e.getMessage().startsWith("the sealing key could not be used: "), e.getMessage());
            assertTrue(e.getMessage().contains("it belongs to another owner"), e.getMessage());
            assertEquals(0, f.vaults.opens().size(), "no vault opened with someone else's credentials");
        }
    }
}
