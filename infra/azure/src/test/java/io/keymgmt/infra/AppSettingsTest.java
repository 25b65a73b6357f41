package io.keymgmt.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.http.config.KeymgmtConfig;
import io.keymgmt.http.rotation.RotationFunctions;
import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.http.routes.WorkflowActions;
import io.keymgmt.infra.Bicep.Literal;
import io.keymgmt.infra.Bicep.Str;
import io.keymgmt.infra.FunctionAppsTemplate.App;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The app settings the templates give each app against the settings the code reads. */
class AppSettingsTest {

    /**
     * What every deployed app needs, as properties of KeymgmtConfig (so a renamed property fails here
     * too): Table Storage by endpoint with the managed identity, the seal key in Key Vault, Entra ID auth.
     */
    private static final List<String> EVERY_APP_NEEDS = List.of("keymgmt.storage.endpoint", "keymgmt.seal.mode",
            "keymgmt.seal.key-id", "keymgmt.api.auth", "keymgmt.api.entra.tenant-id", "keymgmt.api.entra.audience");

    /** The Functions host's own storage by identity, and telemetry; Flex Consumption needs no more. */
    private static final List<String> PLATFORM = List.of("AzureWebJobsStorage__accountName",
            "AzureWebJobsStorage__credential", "APPLICATIONINSIGHTS_CONNECTION_STRING");

    /**
     * Settings that must never be in the templates: secrets (a connection string or token) or the local
     * stack's, and the ones Flex Consumption refuses (it takes the runtime from functionAppConfig).
     */
    private static final List<String> NEVER = List.of("keymgmt.storage.connection-string", "keymgmt.api.token",
            "keymgmt.seal.local-key-file", "keymgmt.rotation.local-runtime", "AzureWebJobsStorage",
            "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE");

    @Test
    void everyAppGetsWhatItsCodeReads() {
        Set<String> known = CodeSettings.environmentVariables();
        List<String> missing = new ArrayList<>();
        for (App app : FunctionAppsTemplate.apps()) {
            Set<String> set = FunctionAppsTemplate.settings(app);
            for (String needed : needs(FunctionApp.fromId(app.id()))) {
                if (needed.startsWith("KEYMGMT_")) {
                    assertTrue(known.contains(needed), needed + " is not a setting KeymgmtConfig has any more");
                }
                if (!set.contains(needed)) {
                    missing.add(app.id() + ": " + needed);
                }
            }
        }
        assertEquals(List.of(), missing, "settings the code needs that the templates do not give");
    }

    @Test
    void everyKeymgmtSettingInTheTemplatesIsOneTheCodeReads() {
        Set<String> known = CodeSettings.environmentVariables();
        Set<String> unknown = FunctionAppsTemplate.allSettings().keySet().stream()
                .filter(name -> name.startsWith("KEYMGMT_") && !known.contains(name))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), unknown, "KEYMGMT_ settings the templates set that KeymgmtConfig does not read");
    }

    @Test
    void noSecretAndNoRefusedSettingIsSet() {
        Map<String, Literal> all = FunctionAppsTemplate.allSettings();
        for (String never : NEVER) {
            String name = never.startsWith("keymgmt.") ? CodeSettings.environmentVariable(never) : never;
            assertTrue(!all.containsKey(name), "the templates set " + name);
        }
        all.forEach((name, value) -> {
            String text = value.toString().toLowerCase(Locale.ROOT);
            assertTrue(!text.contains("accountkey") && !text.contains("listkeys") && !text.contains("sharedaccesssignature")
                    && !text.contains("sig="), name + " carries a key or SAS: " + value);
        });
    }

    @Test
    void theApiAlwaysRequiresEntraIdTokens() {
        Literal auth = FunctionAppsTemplate.commonSettings().get(CodeSettings.environmentVariable("keymgmt.api.auth"));
        assertEquals(new Str("entra-id"), auth, "KEYMGMT_API_AUTH is not the literal entra-id");
        // SmallRye maps entra-id onto the enum constant; the constant must still exist.
        assertEquals(KeymgmtConfig.AuthMode.ENTRA_ID, KeymgmtConfig.AuthMode.valueOf("ENTRA_ID"));
        assertEquals(new Str("key-vault"), FunctionAppsTemplate.commonSettings().get("KEYMGMT_SEAL_MODE"));
        assertEquals(KeymgmtConfig.SealMode.KEY_VAULT, KeymgmtConfig.SealMode.valueOf("KEY_VAULT"));
    }

    @Test
    void theAppsThatNeedAFlaggedSettingHaveTheFlag() {
        for (App app : FunctionAppsTemplate.apps()) {
            FunctionApp code = FunctionApp.fromId(app.id());
            assertEquals(usesRotationQueue().contains(code), app.flags().get("usesRotationQueue"),
                    app.id() + ": usesRotationQueue disagrees with RotationQueueAtStartup");
            assertEquals(code == FunctionApp.ROTATION, app.flags().get("runsRotationTimer"),
                    app.id() + ": runsRotationTimer (only the rotation app has the timer, docs/adr/0015)");
            assertEquals(WorkflowActions.OPERATION_APPS.contains(code), app.flags().get("recordsOperations"),
                    app.id() + ": recordsOperations disagrees with WorkflowActions.OPERATION_APPS");
        }
    }

    private static List<String> needs(FunctionApp app) {
        List<String> needs = new ArrayList<>(PLATFORM);
        EVERY_APP_NEEDS.forEach(p -> needs.add(CodeSettings.environmentVariable(p)));
        if (usesRotationQueue().contains(app)) {
            needs.add(CodeSettings.environmentVariable("keymgmt.storage.queue-endpoint"));
        }
        if (app == FunctionApp.ROTATION) {
            needs.add(RotationFunctions.SCHEDULE_SETTING.replace("%", ""));
        }
        if (WorkflowActions.OPERATION_APPS.contains(app)) {
            // Behind the gateway the Host header is the app's own, so Location needs the gateway's address.
            needs.add(CodeSettings.environmentVariable("keymgmt.actions.base-url"));
        }
        return needs;
    }

    /** The apps RotationQueueAtStartup makes resolve the queue, read from its source: it is a CDI observer. */
    static Set<FunctionApp> usesRotationQueue() {
        String source = Repository.read(
                "functions/vault-api/src/main/java/io/keymgmt/http/rotation/RotationQueueAtStartup.java");
        Set<FunctionApp> apps = new TreeSet<>();
        var m = java.util.regex.Pattern.compile("serves\\(FunctionApp\\.(\\w+)\\)").matcher(source);
        while (m.find()) {
            apps.add(FunctionApp.valueOf(m.group(1)));
        }
        assertTrue(!apps.isEmpty(), "RotationQueueAtStartup names no app; the check must be rewritten");
        return apps;
    }
}
