package io.keymgmt.infra;

import io.keymgmt.infra.Bicep.Arr;
import io.keymgmt.infra.Bicep.Expr;
import io.keymgmt.infra.Bicep.Literal;
import io.keymgmt.infra.Bicep.Obj;
import io.keymgmt.infra.Bicep.Str;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * main.bicep's functionApps list and the app settings the templates give each app: the common ones in
 * functionApp.bicep, and those main.bicep adds by the flags an app has (settingsByFlag).
 */
final class FunctionAppsTemplate {

    record App(String id, List<String> keyPermissions, List<String> keyVaultDataActions, List<String> sealDataActions,
            Map<String, Boolean> flags) {
    }

    private FunctionAppsTemplate() {
    }

    static List<App> apps() {
        Bicep main = Bicep.main();
        List<App> apps = new ArrayList<>();
        for (Literal item : ((Arr) main.var("functionApps")).items()) {
            Obj app = (Obj) item;
            Map<String, Boolean> flags = new LinkedHashMap<>();
            app.entries().forEach((key, value) -> {
                if (value instanceof Expr e && (e.text().equals("true") || e.text().equals("false"))) {
                    flags.put(key, Boolean.parseBoolean(e.text()));
                }
            });
            apps.add(new App(app.string("id"), strings(main, app.get("keyPermissions")),
                    strings(main, app.get("keyVaultDataActions")), strings(main, app.get("sealDataActions")), flags));
        }
        return apps;
    }

    /** Every setting name the templates give the app. */
    static Set<String> settings(App app) {
        Set<String> names = new TreeSet<>(commonSettings().keySet());
        Obj byFlag = (Obj) Bicep.main().var("settingsByFlag");
        byFlag.entries().forEach((flag, settings) -> {
            if (Boolean.TRUE.equals(app.flags().get(flag))) {
                names.addAll(((Obj) settings).entries().keySet());
            }
        });
        return names;
    }

    static Map<String, Literal> commonSettings() {
        return ((Obj) Bicep.module("functionApp").var("commonSettings")).entries();
    }

    /** Every setting any app gets, with the value as written. */
    static Map<String, Literal> allSettings() {
        Map<String, Literal> all = new LinkedHashMap<>(commonSettings());
        ((Obj) Bicep.main().var("settingsByFlag")).entries().values()
                .forEach(settings -> all.putAll(((Obj) settings).entries()));
        return all;
    }

    /** The array's items, with references to main.bicep's string vars (keysRead...) resolved. */
    private static List<String> strings(Bicep main, Literal literal) {
        List<String> values = new ArrayList<>();
        for (Literal item : ((Arr) literal).items()) {
            if (item instanceof Str s) {
                values.add(s.value());
            } else if (item instanceof Expr e && e.text().matches("\\w+")) {
                values.add(((Str) main.var(e.text())).value());
            } else {
                throw new AssertionError("not a string or a string var: " + item);
            }
        }
        return values;
    }
}
