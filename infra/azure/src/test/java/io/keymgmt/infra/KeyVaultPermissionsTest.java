package io.keymgmt.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.infra.FunctionAppsTemplate.App;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Each app's Key Vault permissions in the templates against FunctionApp and the engine's use of the seal key. */
class KeyVaultPermissionsTest {

    /**
     * Access-policy key permissions and the RBAC data actions that allow the same calls, as in Microsoft's
     * access-policy to RBAC mapping (Azure/KeyVault-AccessPolicyToRBAC-CompareTool) and the data actions
     * listed under Microsoft.KeyVault in learn.microsoft.com/azure/role-based-access-control/permissions/security.
     * get and list are both keys/read: RBAC does not tell reading a key from listing keys.
     */
    static final Map<String, String> DATA_ACTION_OF_PERMISSION = Map.ofEntries(
            Map.entry("get", "Microsoft.KeyVault/vaults/keys/read"),
            Map.entry("list", "Microsoft.KeyVault/vaults/keys/read"),
            Map.entry("create", "Microsoft.KeyVault/vaults/keys/create/action"),
            Map.entry("import", "Microsoft.KeyVault/vaults/keys/import/action"),
            Map.entry("update", "Microsoft.KeyVault/vaults/keys/update/action"),
            Map.entry("delete", "Microsoft.KeyVault/vaults/keys/delete"),
            Map.entry("wrapKey", "Microsoft.KeyVault/vaults/keys/wrap/action"),
            Map.entry("unwrapKey", "Microsoft.KeyVault/vaults/keys/unwrap/action"));

    /**
     * How each app uses the seal key, from the engine: ProviderCredentialSealing.seal (provider writes),
     * KeyMaterial.seal (new versions), KeyMaterial.unseal (imports), VaultAccess (unseals a provider's
     * credentials to reach its vault, deletion included). KeyVaultKeyEncryptionKey needs get as well: the
     * SDK reads the key to wrap with its public part.
     */
    static final Map<FunctionApp, List<String>> SEAL_PERMISSIONS = Map.of(
            FunctionApp.PROVIDER_CONFIGURATION, List.of("get", "wrapKey"),
            FunctionApp.KEY_DISTRIBUTION, List.of("get", "wrapKey", "unwrapKey"),
            FunctionApp.DELETION, List.of("get", "unwrapKey"),
            FunctionApp.ROTATION, List.of("get", "wrapKey", "unwrapKey"));

    @Test
    void theTemplatesDeclareExactlyTheAppsOfTheCode() {
        assertEquals(Arrays.stream(FunctionApp.values()).map(FunctionApp::id).toList(),
                FunctionAppsTemplate.apps().stream().map(App::id).toList());
    }

    @Test
    void accessPolicyPermissionsAreFunctionAppsPermissions() {
        for (App app : FunctionAppsTemplate.apps()) {
            assertEquals(FunctionApp.fromId(app.id()).keyVaultKeyPermissions(), app.keyPermissions(),
                    app.id() + ": keyPermissions (granted as an access policy)");
        }
    }

    @Test
    void customRoleDataActionsAreTheMappingOfFunctionAppsPermissions() {
        for (App app : FunctionAppsTemplate.apps()) {
            assertEquals(dataActions(FunctionApp.fromId(app.id()).keyVaultKeyPermissions()),
                    exactlyOnce(app.id(), app.keyVaultDataActions()), app.id() + ": keyVaultDataActions");
        }
    }

    @Test
    void sealKeyDataActionsAreWhatTheEngineDoesWithTheSealKey() {
        for (App app : FunctionAppsTemplate.apps()) {
            assertEquals(dataActions(SEAL_PERMISSIONS.get(FunctionApp.fromId(app.id()))),
                    exactlyOnce(app.id(), app.sealDataActions()), app.id() + ": sealDataActions");
        }
    }

    @Test
    void theSealKeyCanOnlyWrapAndUnwrap() {
        String vault = Bicep.module("sealVault").text;
        assertTrue(vault.contains("keyOps: ['wrapKey', 'unwrapKey']"), "the seal key's keyOps are not wrapKey and unwrapKey only");
        assertTrue(vault.contains("enablePurgeProtection: true"), "the seal vault has no purge protection");
        assertTrue(vault.contains("enableRbacAuthorization: true"), "the seal vault does not use RBAC");
        assertTrue(Bicep.module("appAccess").text.contains("scope: sealKey"),
                "the seal role is not assigned on the key itself");
    }

    @Test
    void theRolesAreMadeFromTheseListsAndNothingElse() {
        String roles = Bicep.module("roleDefinitions").text;
        assertTrue(roles.contains("dataActions: app.keyVaultDataActions"), "target vault roles do not use keyVaultDataActions");
        assertTrue(roles.contains("dataActions: app.sealDataActions"), "seal roles do not use sealDataActions");
        assertEquals(2, count(roles, "actions: []"), "a custom role has control-plane actions");
        String grants = Bicep.module("targetVaultAccess").text;
        assertTrue(grants.contains("keys: g.keyPermissions"), "access policies do not grant keyPermissions");
        assertTrue(grants.contains("secrets: []") && grants.contains("certificates: []"),
                "access policies grant more than keys");
    }

    private static Set<String> dataActions(List<String> permissions) {
        return permissions.stream().map(p -> {
            String action = DATA_ACTION_OF_PERMISSION.get(p);
            assertTrue(action != null, "no data action is known for the key permission " + p);
            return action;
        }).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> exactlyOnce(String app, List<String> actions) {
        Set<String> set = new TreeSet<>(actions);
        assertEquals(actions.size(), new HashSet<>(actions).size(), app + ": a data action is listed twice: " + actions);
        return set;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
