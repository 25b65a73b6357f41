package io.keymgmt.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
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
        assertEquals(List.of(), config.hostIdentities(), "a configuration without hostIdentities has none");
    }

    @Test
    void readsHostIdentitiesFromJsonAndServesEachWithItsHeader() throws Exception {
        Path file = Files.writeString(dir.resolve("hosts.json"), """
                {
                  "tenantId": "tenant-1",
                  "managedIdentity": {"header": "system-header"},
                  "systemAssignedIdentity": {"objectId": "mi-oid", "clientId": "mi"},
                  "hostIdentities": [{"header": "rotation-header", "objectId": "rotation-oid", "clientId": "rotation"},
                                     {"clientId": "audit", "objectId": "audit-oid", "header": "audit-header"}],
                  "vaults": [{"name": "kv-one", "accessPolicies": {"rotation": ["get"], "audit": ["list"]}}]
                }
                """);
        EmulatorConfig config = EmulatorConfig.fromJson(file);
        assertEquals(List.of("rotation", "audit"), config.hostIdentities().stream()
                .map(EmulatorConfig.HostIdentity::clientId).toList());
        assertEquals(List.of("rotation-oid", "audit-oid"), config.hostIdentities().stream()
                .map(EmulatorConfig.HostIdentity::objectId).toList());
        assertEquals(List.of("rotation-header", "audit-header"), config.hostIdentities().stream()
                .map(EmulatorConfig.HostIdentity::identityHeader).toList());
        assertEquals(Set.of(KeyPermission.LIST), config.vaults().get(0).accessPolicy().get("audit"));
        assertFalse(config.toString().contains("-header"), "identity headers never appear in toString: " + config);
        try (KeyVaultEmulator emulator = KeyVaultEmulator.start(config)) {
            RestCalls rest = new RestCalls(emulator);
            Map<String, String> expected = Map.of("system-header", "mi", "rotation-header", "rotation",
                    "audit-header", "audit");
            expected.forEach((header, clientId) -> {
                RestCalls.Reply reply = rest.send(HttpRequest.newBuilder(URI.create(emulator.managedIdentityEndpoint()
                        + "?resource=https://vault.azure.net&api-version=2019-08-01"))
                        .header("X-IDENTITY-HEADER", header).GET().build());
                assertEquals(200, reply.status(), reply.text());
                assertEquals(clientId, reply.json().path("client_id").asText(), header);
            });
        }
    }

    @Test
    void refusesHostIdentitiesThatCannotBeToldApart() {
        Map<String, Supplier<EmulatorConfig>> mistakes = Map.ofEntries(
                Map.entry("host identity app-b has the same identity header as host identity app-a; give each "
                        + "Function App host its own IDENTITY_HEADER secret", () -> hosts()
                        .hostIdentity("h-a", "oid-a", "app-a").hostIdentity("h-a", "oid-b", "app-b").build()),
                Map.entry("host identity app-a has the same identity header as the managed identity header "
                        + "(managedIdentity.header), which selects systemAssignedIdentity", () -> hosts()
                        .managedIdentityHeader("h-a").hostIdentity("h-a", "oid-a", "app-a").build()),
                Map.entry("client id APP-A is configured for more than one principal", () -> hosts()
                        .hostIdentity("h-a", "oid-a", "app-a").hostIdentity("h-b", "oid-b", "APP-A").build()),
                Map.entry("client id sp is configured for more than one principal", () -> hosts()
                        .hostIdentity("h-a", "oid-a", "sp").build()),
                Map.entry("client id mi is configured for more than one principal", () -> hosts()
                        .systemAssignedIdentity("mi-oid", "mi").hostIdentity("h-a", "oid-a", "mi").build()),
                Map.entry("object id OID-A is configured for more than one principal (client ids app-a and app-b)",
                        () -> hosts().hostIdentity("h-a", "oid-a", "app-a").hostIdentity("h-b", "OID-A", "app-b")
                                .build()),
                Map.entry("object id sp-oid is configured for more than one principal (client ids sp and app-a)",
                        () -> hosts().hostIdentity("h-a", "sp-oid", "app-a").build()),
                Map.entry("host identity app-a identity header is missing", () -> hosts()
                        .hostIdentity(" ", "oid-a", "app-a").build()),
                Map.entry("host identity clientId is missing", () -> hosts().hostIdentity("h-a", "oid-a", null)
                        .build()),
                Map.entry("host identity app-a objectId is missing", () -> hosts().hostIdentity("h-a", "", "app-a")
                        .build()),
                Map.entry("access policy for client id app-c, which is no configured principal", () -> hosts()
                        .hostIdentity("h-a", "oid-a", "app-a").accessPolicy("kv-x", "app-c", "get").build()));
        mistakes.forEach((expected, build) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get, expected);
            assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
            assertFalse(e.getMessage().contains("h-a"), "a header secret must not be in a message: " + e.getMessage());
        });
    }

    @Test
    void refusesBadHostIdentitiesInJson() {
        Map<String, String> mistakes = Map.of(
                "host identity b has the same identity header as host identity a",
                "[{\"header\": \"same\", \"objectId\": \"oa\", \"clientId\": \"a\"},"
                        + " {\"header\": \"same\", \"objectId\": \"ob\", \"clientId\": \"b\"}]",
                "client id sp is configured for more than one principal",
                "[{\"header\": \"ha\", \"objectId\": \"oa\", \"clientId\": \"sp\"}]",
                "a hostIdentities entry has an unknown field 'identityHeader'; allowed: clientId, header, objectId",
                "[{\"identityHeader\": \"ha\", \"objectId\": \"oa\", \"clientId\": \"a\"}]",
                "'header' is required",
                "[{\"objectId\": \"oa\", \"clientId\": \"a\"}]",
                "'hostIdentities' must be an array",
                "{\"header\": \"ha\", \"objectId\": \"oa\", \"clientId\": \"a\"}");
        mistakes.forEach((expected, hosts) -> {
            String json = "{\"tenantId\": \"t\", \"servicePrincipals\": [{\"clientId\": \"sp\", \"objectId\": "
                    + "\"sp-oid\", \"secret\": \"s\"}], \"hostIdentities\": " + hosts + ", \"vaults\": "
                    + "[{\"name\": \"kv-x\"}]}";
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EmulatorConfigJson.parse(json, null), expected);
            assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        });
    }

    private static EmulatorConfig.Builder hosts() {
        return EmulatorConfig.builder().tenantId("t").servicePrincipal("sp", "sp-oid", "s").vault("kv-x");
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
