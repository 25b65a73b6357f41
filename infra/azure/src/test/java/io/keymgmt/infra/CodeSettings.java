package io.keymgmt.infra;

import io.keymgmt.http.config.KeymgmtConfig;
import io.smallrye.config.ConfigMapping;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings the code reads, walked out of {@link KeymgmtConfig} by reflection, as environment variable
 * names (app settings): keymgmt.storage.queue-endpoint is KEYMGMT_STORAGE_QUEUE_ENDPOINT, SmallRye
 * Config's spelling. Maps (custom environments, keymgmt.app.*) have names no environment variable can
 * spell in general, so they are not among them.
 */
final class CodeSettings {

    private CodeSettings() {
    }

    static Set<String> environmentVariables() {
        String prefix = KeymgmtConfig.class.getAnnotation(ConfigMapping.class).prefix();
        Set<String> names = new TreeSet<>();
        walk(KeymgmtConfig.class, prefix, names);
        return names;
    }

    /** The environment variable of a property, as SmallRye Config maps one onto the other. */
    static String environmentVariable(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static void walk(Class<?> group, String prefix, Set<String> names) {
        for (Method method : group.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.isDefault() || method.getParameterCount() > 0) {
                continue;
            }
            String property = prefix + "." + kebab(method.getName());
            Class<?> type = valueType(method.getGenericReturnType());
            if (Map.class.isAssignableFrom(method.getReturnType())) {
                continue;
            }
            if (type.isInterface() && type.getDeclaringClass() == KeymgmtConfig.class) {
                walk(type, property, names);
            } else {
                names.add(environmentVariable(property));
            }
        }
    }

    private static Class<?> valueType(Type type) {
        if (type instanceof ParameterizedType p && p.getRawType() == Optional.class) {
            Type inner = p.getActualTypeArguments()[0];
            return inner instanceof ParameterizedType q ? (Class<?>) q.getRawType() : (Class<?>) inner;
        }
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
