package io.keymgmt.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.infra.Bicep.ModuleUse;
import io.keymgmt.infra.Bicep.Obj;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a Bicep compile would catch first, checked without one: module paths, the parameters given to
 * each module, the outputs read from each, and the files the templates load.
 */
class TemplateReferencesTest {

    private static final Pattern OUTPUT_USE = Pattern.compile("\\b(\\w+)(?:\\[[^\\]]*\\])?!?\\.outputs\\.(\\w+)");
    private static final Pattern LOADED = Pattern.compile("load(?:Json|Text|Yaml)Content\\('([^']+)'\\)");

    @Test
    void everyModulePathExists() {
        List<String> missing = new ArrayList<>();
        for (Bicep bicep : Bicep.all()) {
            for (ModuleUse use : bicep.modules()) {
                if (!Files.isRegularFile(target(bicep, use))) {
                    missing.add(bicep.name() + ": module " + use.symbol() + " '" + use.path() + "'");
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void everyParameterGivenToAModuleIsDeclaredThereAndEveryRequiredOneIsGiven() {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Bicep bicep : Bicep.all()) {
            for (ModuleUse use : bicep.modules()) {
                Map<String, Boolean> declared = Bicep.read(target(bicep, use)).params();
                Obj given = (Obj) Bicep.objectAfter(use.body(), "params").orElse(new Obj(Map.of()));
                for (String name : given.entries().keySet()) {
                    checked++;
                    if (!declared.containsKey(name)) {
                        wrong.add(bicep.name() + ": " + use.symbol() + " gives " + name + ", which " + use.path() + " does not declare");
                    }
                }
                declared.forEach((name, required) -> {
                    if (required && !given.entries().containsKey(name)) {
                        wrong.add(bicep.name() + ": " + use.symbol() + " does not give the required " + name);
                    }
                });
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(checked > 20, "only " + checked + " module parameters found; the parser lost them");
    }

    @Test
    void everyOutputReadFromAModuleIsDeclaredThere() {
        List<String> wrong = new ArrayList<>();
        for (Bicep bicep : Bicep.all()) {
            Map<String, Path> modules = new HashMap<>();
            bicep.modules().forEach(use -> modules.put(use.symbol(), target(bicep, use)));
            Matcher m = OUTPUT_USE.matcher(bicep.text);
            while (m.find()) {
                Path module = modules.get(m.group(1));
                if (module == null) {
                    wrong.add(bicep.name() + ": " + m.group() + " reads outputs of " + m.group(1) + ", which is no module here");
                } else if (!Bicep.read(module).outputs().contains(m.group(2))) {
                    wrong.add(bicep.name() + ": " + m.group() + ", but " + module.getFileName() + " has no output " + m.group(2));
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void everyLoadedFileExists() {
        for (Bicep bicep : Bicep.all()) {
            Matcher m = LOADED.matcher(bicep.text);
            while (m.find()) {
                assertTrue(Files.isRegularFile(bicep.file.resolveSibling(m.group(1))), bicep.name() + " loads " + m.group(1));
            }
        }
    }

    @Test
    void azdParametersAreDeclaredAndGiveEveryRequiredOne() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Repository.path("infra/main.parameters.json").toFile()).get("parameters");
        Map<String, Boolean> declared = Bicep.main().params();
        json.fieldNames().forEachRemaining(name -> assertTrue(declared.containsKey(name),
                "main.parameters.json gives " + name + ", which main.bicep does not declare"));
        declared.forEach((name, required) -> assertTrue(!required || json.has(name),
                "main.parameters.json does not give the required " + name));
    }

    @Test
    void nothingIsDeployedBeforeTheRefusalsAreChecked() {
        Bicep main = Bicep.main();
        String group = main.text.substring(main.text.indexOf("resource rg "));
        group = group.substring(0, Bicep.closing(group, group.indexOf('{')) + 1);
        assertTrue(group.contains("dependsOn: [refusals]"), "the resource group does not wait for the refusals");
        for (ModuleUse use : main.modules()) {
            boolean inGroup = use.body().contains("scope: rg");
            boolean waits = use.body().contains("dependsOn: [refusals]");
            boolean afterApps = use.body().contains("apps[");
            assertTrue(use.symbol().equals("refusals") || inGroup || waits || afterApps,
                    use.symbol() + " can start before the refusals are checked");
        }
        assertTrue(Bicep.module("refusals").text.contains("json('{}')["), "the refusal no longer fails the deployment");
    }

    private static Path target(Bicep bicep, ModuleUse use) {
        return bicep.file.resolveSibling(use.path()).normalize();
    }
}
