package io.keymgmt.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keymgmt.emulator.vault.KeyPermission;

class EmulatorConfigTest {

    @TempDir
    Path dir;

    @Test
    void readsTheJsonFormWithTheReaderGrantedGetAndListEverywhere() throws Exception {
        Path file = Files.writeString(dir.resolve("config.json"), """
                {
                  "tenantId": "tenant-1",
                  "tokenResource": "https://vault.azure.net/",
                  "reader": "reader",
                  "caCertificatePem": "out/ca.pem",
                  "managedIdentity": {"port": 0, "header": "h"},
                  "servicePrincipals": [{"clientId": "reader", "objectId": "r-oid", "secret": "s1"},
                                        {"clientId": "app", "objectId": "a-oid", "secret": "s2"}],
                  "systemAssignedIdentity": {"objectId": "mi-oid", "clientId": "mi"},
                  "userAssignedIdentities": [{"clientId": "uami", "objectId": "u-oid", "resourceId": "/sub/x"}],
                  "vaults": [{"name": "kv-one", "port": 0, "location": "northeurope", "throttleLimit": 5,
                              "accessPolicies": {"app": ["Create", "IMPORT", "get"], "mi": ["all"]}},
                             {"name": "kv-two"}]
                }
                """);
        EmulatorConfig config = EmulatorConfig.fromJson(file);
        assertEquals("tenant-1", config.tenantId());
        assertEquals(dir.resolve("out/ca.pem").toAbsolutePath(), config.caCertificatePemFile().orElseThrow());
        assertEquals("h", config.managedIdentityHeader().orElseThrow());
        assertEquals("mi", config.systemAssignedIdentity().orElseThrow().clientId());
        assertEquals("/sub/x", config.userAssignedIdentities().get(0).resourceId());
        EmulatorConfig.VaultDefinition one = config.vaults().get(0);
        assertEquals("northeurope", one.location());
        assertEquals(5, one.throttleLimit());
        assertEquals(EnumSet.of(KeyPermission.CREATE, KeyPermission.IMPORT, KeyPermission.GET),
                one.accessPolicy().get("app"));
        assertEquals(EnumSet.allOf(KeyPermission.class), one.accessPolicy().get("mi"));
        EmulatorConfig.VaultDefinition two = config.vaults().get(1);
        assertEquals(EmulatorConfig.DEFAULT_LOCATION, two.location());
        assertEquals(null, two.throttleLimit());
        for (EmulatorConfig.VaultDefinition vault : config.vaults()) {
            assertEquals(Set.of(KeyPermission.GET, KeyPermission.LIST), vault.accessPolicy().get("reader"));
        }
        assertFalse(config.toString().contains("s1") || config.servicePrincipals().toString().contains("s2"),
                "secrets never appear in toString");
    }

    @Test
    void writesTheCaCertificateWhereConfigured() throws Exception {
        Path pem = dir.resolve("nested/ca.pem");
        try (KeyVaultEmulator emulator = KeyVaultEmulator.start(TestDirectory.config("kv-pem")
                .caCertificatePemFile(pem).build())) {
            assertEquals(emulator.caCertificatePem(), Files.readString(pem));
        }
    }

    @Test
    void refusesConfigurationMistakesWithActionableMessages() {
        Map<String, Supplier<EmulatorConfig>> mistakes = Map.ofEntries(
                Map.entry("tenantId is missing", () -> EmulatorConfig.builder().vault("kv-x").build()),
                Map.entry("no vault is configured", () -> EmulatorConfig.builder().tenantId("t").build()),
                Map.entry("vault name 'kv_x' is invalid", () -> EmulatorConfig.builder().vault("kv_x").build()),
                Map.entry("vault name 'k' is invalid", () -> EmulatorConfig.builder().vault("k").build()),
                Map.entry("vault KV-X is configured twice", () -> EmulatorConfig.builder().vault("kv-x").vault("KV-X")
                        .build()),
                Map.entry("port 4443 is given to more than one vault", () -> EmulatorConfig.builder().tenantId("t")
                        .vault("kv-x", 4443, "l").vault("kv-y", 4443, "l").build()),
                Map.entry("unknown key permission 'wrap'", () -> EmulatorConfig.builder().tenantId("t")
                        .servicePrincipal("a", "o", "s").vault("kv-x").accessPolicy("kv-x", "a", "wrap").build()),
                Map.entry("access policy for client id ghost, which is no configured principal", () ->
                        EmulatorConfig.builder().tenantId("t").vault("kv-x").accessPolicy("kv-x", "ghost", "get")
                                .build()),
                Map.entry("vault kv-y is not configured", () -> EmulatorConfig.builder().tenantId("t")
                        .servicePrincipal("a", "o", "s").vault("kv-x").accessPolicy("kv-y", "a", "get").build()),
                Map.entry("client id A is configured for more than one principal", () -> EmulatorConfig.builder()
                        .tenantId("t").servicePrincipal("a", "o", "s").userAssignedIdentity("A", "o2").vault("kv-x")
                        .build()),
                Map.entry("reader r is no configured principal", () -> EmulatorConfig.builder().tenantId("t")
                        .vault("kv-x").readerClientId("r").build()),
                Map.entry("throttleLimit must be at least 1", () -> EmulatorConfig.builder().tenantId("t")
                        .vault("kv-x").throttleLimit("kv-x", 0).build()),
                Map.entry("must be an https:// URI", () -> EmulatorConfig.builder().tokenResource("http://vault")
                        .build()));
        mistakes.forEach((expected, build) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get, expected);
            assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        });
    }
}
