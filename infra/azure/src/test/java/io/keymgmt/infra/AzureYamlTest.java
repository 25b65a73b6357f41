package io.keymgmt.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.keymgmt.http.routes.FunctionApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** azure.yaml against the apps, their folders, the packaging hook and the templates. */
class AzureYamlTest {

    private static JsonNode azureYaml() throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(Repository.path("azure.yaml").toFile());
    }

    @Test
    void oneFunctionServicePerAppWithItsProject() throws Exception {
        JsonNode services = azureYaml().get("services");
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertEquals(Arrays.stream(FunctionApp.values()).map(FunctionApp::id).toList(), names);
        for (FunctionApp app : FunctionApp.values()) {
            JsonNode service = services.get(app.id());
            assertEquals("function", service.get("host").asText(), app.id() + ": host");
            assertEquals("java", service.get("language").asText(), app.id() + ": language");
            Path project = Repository.root().resolve(service.get("project").asText()).normalize();
            assertEquals(Repository.path("functions/" + app.id()), project, app.id() + ": project");
            assertTrue(Files.isRegularFile(project.resolve("pom.xml")), app.id() + ": no pom.xml in " + project);
            String pom = Files.readString(project.resolve("pom.xml"));
            assertTrue(pom.contains("<artifactId>" + app.appName() + "</artifactId>"),
                    app.id() + ": the project does not build " + app.appName());
        }
    }

    @Test
    void eachServiceDeploysWhatItsHookStages() throws Exception {
        String hook = Repository.read("infra/azure/hooks/stage-package.sh");
        Matcher stage = Pattern.compile("stage=\"\\$\\(pwd\\)/([^\"]+)\"").matcher(hook);
        assertTrue(stage.find(), "the hook names no staging folder");
        for (FunctionApp app : FunctionApp.values()) {
            JsonNode service = azureYaml().get("services").get(app.id());
            assertEquals(stage.group(1), service.get("dist").asText(), app.id() + ": dist is not where the hook stages");
            String run = service.get("hooks").get("prepackage").get("run").asText();
            Path script = Repository.root().resolve(service.get("project").asText()).resolve(run).normalize();
            assertEquals(Repository.path("infra/azure/hooks/stage-package.sh"), script, app.id() + ": prepackage hook");
            assertTrue(Files.isExecutable(script), script + " is not executable");
        }
        // Both packagings' folders, as the builds name them.
        assertTrue(hook.contains("target/azure-functions/keymgmt-$app"), "the Java worker's folder");
        assertTrue(hook.contains("native-build/target/custom-handlers") && hook.contains("keymgmt-$app"),
                "the custom handler's folder");
        assertTrue(Files.isRegularFile(Repository.path("native-build/build-native.sh")), "native-build/build-native.sh");
        assertTrue(Repository.read("native-build/build-native.sh").contains("out=native-build/target/custom-handlers"),
                "build-native.sh no longer assembles into native-build/target/custom-handlers");
    }

    @Test
    void theHookAndTheTemplatesKnowTheSamePackagings() {
        List<String> inTemplate = Bicep.main().allowed("packaging");
        assertEquals(List.of("java-worker", "custom-handler"), inTemplate);
        assertEquals(inTemplate, Bicep.module("functionApp").allowed("packaging"));
        String hook = Repository.read("infra/azure/hooks/stage-package.sh");
        for (String packaging : inTemplate) {
            assertTrue(hook.contains("\n  " + packaging + ")"), "the hook has no case for " + packaging);
        }
        assertTrue(Repository.read("infra/main.parameters.json").contains("${KEYMGMT_PACKAGING=java-worker}"),
                "main.parameters.json does not hand KEYMGMT_PACKAGING to the templates");
        assertTrue(hook.contains("${KEYMGMT_PACKAGING:-java-worker}"), "the hook's default differs");
    }

    @Test
    void theApiRegistrationHookGivesTheAudiencesTheTemplatesRequire() throws Exception {
        String run = azureYaml().get("hooks").get("preprovision").get("run").asText();
        Path script = Repository.root().resolve(run).normalize();
        assertEquals(Repository.path("infra/azure/hooks/api-app-registration.sh"), script);
        assertTrue(Files.isExecutable(script), script + " is not executable");
        String hook = Files.readString(script);
        assertTrue(hook.contains("azd env set KEYMGMT_API_AUDIENCES"), "the hook does not store the audiences");
        assertTrue(Repository.read("infra/main.parameters.json").contains("\"${KEYMGMT_API_AUDIENCES}\""),
                "main.parameters.json does not hand KEYMGMT_API_AUDIENCES to apiAudiences");
        JsonNode roles = new ObjectMapper().readTree(Repository.path("infra/azure/api-app-roles.json").toFile());
        List<String> values = new ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        roles.forEach(role -> {
            values.add(role.get("value").asText());
            assertTrue(ids.add(role.get("id").asText()), "app role id used twice: " + role.get("id"));
        });
        assertEquals(List.of("reader", "operator", "admin"), values);
    }

    @Test
    void everyAppIsTaggedWithItsServiceName() {
        String app = Bicep.module("functionApp").text;
        assertTrue(app.contains("'azd-service-name': appId"), "azd finds an app by its azd-service-name tag");
        assertTrue(Bicep.main().text.contains("appId: app.id"), "main.bicep does not give each app its id");
    }
}
