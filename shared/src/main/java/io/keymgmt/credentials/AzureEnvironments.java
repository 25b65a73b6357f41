package io.keymgmt.credentials;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The environments a deployment knows: the built-in clouds plus configured custom ones, looked up
 * by name without regard to case, and the one used when neither {@code AZURE_ENVIRONMENT} nor a
 * provider names one (AzurePublicCloud unless configured).
 */
public final class AzureEnvironments {

    private final Map<String, AzureEnvironment> byName;
    private final AzureEnvironment defaultEnvironment;

    private AzureEnvironments(Map<String, AzureEnvironment> byName, AzureEnvironment defaultEnvironment) {
        this.byName = byName;
        this.defaultEnvironment = defaultEnvironment;
    }

    /** The built-in clouds only, with AzurePublicCloud as the default. */
    public static AzureEnvironments builtIns() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The environment called {@code name}, ignoring case.
     *
     * @throws IllegalArgumentException listing the valid names if there is none
     */
    public AzureEnvironment resolve(String name) {
        AzureEnvironment environment = name == null ? null : byName.get(key(name));
        if (environment == null) {
            throw new IllegalArgumentException("there is no Azure environment named \"" + name
                    + "\"; valid names (case-insensitive): " + String.join(", ", names()));
        }
        return environment;
    }

    public AzureEnvironment defaultEnvironment() {
        return defaultEnvironment;
    }

    /** Every known name, built-ins first. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        byName.values().forEach(environment -> names.add(environment.name()));
        return names;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    public static final class Builder {

        private final Map<String, AzureEnvironment> byName = new LinkedHashMap<>();
        private String defaultName = AzureEnvironment.AZURE_PUBLIC_CLOUD.name();

        private Builder() {
            AzureEnvironment.BUILT_INS.forEach(environment -> byName.put(key(environment.name()), environment));
        }

        /** Adds a custom environment; its name may not clash with another, ignoring case. */
        public Builder add(AzureEnvironment custom) {
            Objects.requireNonNull(custom, "custom");
            AzureEnvironment existing = byName.putIfAbsent(key(custom.name()), custom);
            if (existing != null) {
                throw new IllegalArgumentException("an Azure environment named " + existing.name()
                        + " already exists; give the custom environment \"" + custom.name() + "\" another name");
            }
            return this;
        }

        /** The environment used when none is named; AzurePublicCloud unless set. */
        public Builder defaultEnvironment(String name) {
            this.defaultName = Objects.requireNonNull(name, "name");
            return this;
        }

        public AzureEnvironments build() {
            Map<String, AzureEnvironment> copy = new LinkedHashMap<>(byName);
            AzureEnvironments partial = new AzureEnvironments(copy, null);
            AzureEnvironment chosen;
            try {
                chosen = partial.resolve(defaultName);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the default Azure environment is unknown: " + e.getMessage(), e);
            }
            return new AzureEnvironments(copy, chosen);
        }
    }
}
