package io.keymgmt.emulator;

import static io.keymgmt.emulator.TestDirectory.ADMIN_ID;
import static io.keymgmt.emulator.TestDirectory.NOBODY_ID;
import static io.keymgmt.emulator.TestDirectory.SYSTEM_MI_ID;
import static io.keymgmt.emulator.TestDirectory.SYSTEM_MI_OID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.security.keyvault.keys.models.CreateRsaKeyOptions;

/** Starting and stopping emulators, several in one JVM, as test suites do. */
class EmulatorRestartTest {

    @Test
    void aLaterEmulatorOnTheSameIdentityPortHonoursTokensMsalCachedFromAnEarlierOne() {
        String endpoint = System.getenv("IDENTITY_ENDPOINT");
        assertNotNull(endpoint, "IDENTITY_ENDPOINT is not set: run this test through Maven");
        for (int round = 0; round < 2; round++) {
            try (KeyVaultEmulator emulator = KeyVaultEmulator.start(TestDirectory.config("kv-restart")
                    .managedIdentityPort(URI.create(endpoint).getPort())
                    .managedIdentityHeader(System.getenv("IDENTITY_HEADER"))
                    .systemAssignedIdentity(SYSTEM_MI_OID, SYSTEM_MI_ID)
                    .accessPolicy("kv-restart", SYSTEM_MI_ID, "create").build())) {
                TokenCredential credential = new ManagedIdentityCredentialBuilder()
                        .httpClient(SdkClients.httpClient(emulator)).build();
                String name = "round-" + round;
                assertTrue(SdkClients.keyClient(emulator, "kv-restart", credential)
                        .createRsaKey(new CreateRsaKeyOptions(name)).getId().contains("/keys/" + name + "/"),
                        "round " + round);
            }
        }
    }

    @Test
    void tokensAreBoundToTheirTenantAndPrincipal() {
        try (KeyVaultEmulator first = KeyVaultEmulator.start(TestDirectory.config("kv-first").build());
                KeyVaultEmulator other = KeyVaultEmulator.start(EmulatorConfig.builder()
                        .tenantId("0ther000-0000-4000-8000-000000000000")
                        .servicePrincipal(ADMIN_ID, TestDirectory.ADMIN_OID, "x")
                        .vault("kv-other-tenant").accessPolicy("kv-other-tenant", ADMIN_ID, "all").build())) {
            String token = first.issueToken(ADMIN_ID, "https://vault.azure.net", Duration.ofMinutes(5));
            RestCalls.Reply foreign = new RestCalls(other).send("GET",
                    RestCalls.at(other.vaultUrl("kv-other-tenant"), "/keys"), token, null);
            assertEquals(401, foreign.status());
            assertTrue(foreign.errorMessage().startsWith("AKV10032: Invalid issuer."), foreign.errorMessage());

            String nobodys = first.issueToken(NOBODY_ID, "https://vault.azure.net", Duration.ofMinutes(5));
            RestCalls.Reply unknownPrincipal = new RestCalls(other).send("GET",
                    RestCalls.at(other.vaultUrl("kv-other-tenant"), "/keys"), nobodys, null);
            assertEquals(401, unknownPrincipal.status());
            assertTrue(unknownPrincipal.errorMessage().startsWith("AKV10001:"), unknownPrincipal.errorMessage());
        }
    }

    @Test
    void closeStopsEveryListenerAndIsIdempotent() {
        KeyVaultEmulator emulator = KeyVaultEmulator.start(TestDirectory.config("kv-a", "kv-b").build());
        URI[] endpoints = {emulator.vaultUrl("kv-a"), emulator.vaultUrl("KV-B"), emulator.authorityHost(),
                emulator.managedIdentityEndpoint()};
        for (URI uri : endpoints) {
            assertEquals("127.0.0.1", uri.getHost());
            assertTrue(accepts(uri), uri + " should listen");
        }
        emulator.close();
        emulator.close();
        for (URI uri : endpoints) {
            assertTrue(!accepts(uri), uri + " should be closed");
        }
    }

    @Test
    void refusesAPortInUseAndStopsWhatItStarted() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> KeyVaultEmulator.start(
                    TestDirectory.config("kv-ok").vault("kv-clash", taken.getLocalPort(), "here").build()));
            assertTrue(e.getMessage().contains("could not listen on 127.0.0.1:" + taken.getLocalPort()
                    + " for vault kv-clash: the port is in use"), e.getMessage());
        }
    }

    @Test
    void issueTokenAndVaultUrlRefuseNamesTheyDoNotKnow() {
        try (KeyVaultEmulator emulator = KeyVaultEmulator.start(TestDirectory.config("kv-names").build())) {
            assertEquals(java.util.Set.of("kv-names"), emulator.vaultNames());
            assertTrue(assertThrows(IllegalArgumentException.class, () -> emulator.vaultUrl("kv-missing"))
                    .getMessage().contains("no vault named kv-missing"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> emulator.issueToken("stranger",
                    "https://vault.azure.net", Duration.ofMinutes(1))).getMessage().contains("stranger"));
        }
    }

    private static boolean accepts(URI uri) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2000);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
