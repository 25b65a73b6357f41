package io.keymgmt.credentials;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An Azure cloud as a KMS provider sees it: where its vaults live, which audience Key Vault tokens
 * are for, and which Entra ID authority issues them.
 *
 * <p>The built-in clouds carry go-autorest's names, as Vault's {@code environment} does. A vault URL
 * there is {@code https://<vault>.<dns suffix>}, in lower case because DNS ignores case and Key Vault
 * reports key ids that way. {@linkplain #custom Custom environments} serve Private Link DNS set-ups
 * and the local emulator. They have a URL template containing {@code {vault}}, or an explicit map
 * from vault name to URL.
 */
public final class AzureEnvironment {

    /** Placeholder for the vault name in a custom URL template. */
    public static final String VAULT_PLACEHOLDER = "{vault}";

    public static final AzureEnvironment AZURE_PUBLIC_CLOUD = builtIn("AzurePublicCloud",
            "vault.azure.net", "https://vault.azure.net", "https://login.microsoftonline.com/", false);
    public static final AzureEnvironment AZURE_US_GOVERNMENT_CLOUD = builtIn("AzureUSGovernmentCloud",
            "vault.usgovcloudapi.net", "https://vault.usgovcloudapi.net", "https://login.microsoftonline.us/", false);
    public static final AzureEnvironment AZURE_CHINA_CLOUD = builtIn("AzureChinaCloud",
            "vault.azure.cn", "https://vault.azure.cn", "https://login.chinacloudapi.cn/", false);
    /**
     * Microsoft Cloud Deutschland. It was retired in 2021 and its endpoints no longer answer. It is
     * kept because Vault accepts the name, so an existing provider configuration still parses; calls
     * to it will fail.
     */
    public static final AzureEnvironment AZURE_GERMAN_CLOUD = builtIn("AzureGermanCloud",
            "vault.microsoftazure.de", "https://vault.microsoftazure.de", "https://login.microsoftonline.de/", true);

    /** The built-in clouds, public cloud first. */
    public static final List<AzureEnvironment> BUILT_INS =
            List.of(AZURE_PUBLIC_CLOUD, AZURE_US_GOVERNMENT_CLOUD, AZURE_CHINA_CLOUD, AZURE_GERMAN_CLOUD);

    private final String name;
    private final String keyVaultAudience;
    private final String authorityHost;
    private final boolean verifyChallengeResource;
    private final boolean builtIn;
    private final boolean retired;
    // Exactly one of these three says how a vault name becomes a URL.
    private final String dnsSuffix;
    private final String urlTemplate;
    private final Map<String, String> vaultUrls;

    private AzureEnvironment(String name, String keyVaultAudience, String authorityHost, boolean verifyChallengeResource,
            boolean builtIn, boolean retired, String dnsSuffix, String urlTemplate, Map<String, String> vaultUrls) {
        this.name = name;
        this.keyVaultAudience = keyVaultAudience;
        this.authorityHost = authorityHost;
        this.verifyChallengeResource = verifyChallengeResource;
        this.builtIn = builtIn;
        this.retired = retired;
        this.dnsSuffix = dnsSuffix;
        this.urlTemplate = urlTemplate;
        this.vaultUrls = vaultUrls;
    }

    private static AzureEnvironment builtIn(String name, String dnsSuffix, String audience, String authority,
            boolean retired) {
        return new AzureEnvironment(name, audience, authority, true, true, retired, dnsSuffix, null, null);
    }

    /** Starts a custom environment, e.g. for Private Link DNS or the local Key Vault emulator. */
    public static Builder custom(String name) {
        return new Builder(name);
    }

    /** The name as configured, e.g. {@code AzurePublicCloud}; names compare case-insensitively. */
    public String name() {
        return name;
    }

    /** The Key Vault DNS suffix of a built-in cloud, e.g. {@code vault.azure.net}; empty for custom ones. */
    public Optional<String> keyVaultDnsSuffix() {
        return Optional.ofNullable(dnsSuffix);
    }

    /** The resource Key Vault tokens are issued for, e.g. {@code https://vault.azure.net}. */
    public String keyVaultAudience() {
        return keyVaultAudience;
    }

    /** The OAuth2 scope for Key Vault tokens: the audience followed by {@code /.default}. */
    public String keyVaultScope() {
        return keyVaultAudience.replaceAll("/+$", "") + "/.default";
    }

    /** The Entra ID authority host, e.g. {@code https://login.microsoftonline.com/}. */
    public String authorityHost() {
        return authorityHost;
    }

    /**
     * Whether the Key Vault client should check that a bearer challenge's resource belongs to the
     * vault's domain. True for the real clouds. A custom set-up turns it off when the vault's host
     * name is not under the audience's domain, as with the local emulator or custom Private Link DNS.
     */
    public boolean verifyChallengeResource() {
        return verifyChallengeResource;
    }

    public boolean isBuiltIn() {
        return builtIn;
    }

    /** True for a cloud that no longer exists (AzureGermanCloud). */
    public boolean isRetired() {
        return retired;
    }

    /** The vault names a map-form environment knows, in lower case; empty for the other forms. */
    public List<String> knownVaults() {
        return vaultUrls == null ? List.of() : List.copyOf(vaultUrls.keySet());
    }

    /**
     * The URL of the vault named {@code vaultName} (a provider's {@code key_collection}).
     *
     * @throws IllegalArgumentException if the name is not a valid vault name, or this environment
     *     maps vault names explicitly and does not know it
     */
    public String vaultUrl(String vaultName) {
        String vault = VaultNames.requireValid(vaultName).toLowerCase(Locale.ROOT);
        if (dnsSuffix != null) {
            return "https://" + vault + "." + dnsSuffix;
        }
        if (urlTemplate != null) {
            return urlTemplate.replace(VAULT_PLACEHOLDER, vault);
        }
        String url = vaultUrls.get(vault);
        if (url == null) {
            throw new IllegalArgumentException("environment " + name + " has no URL for vault \"" + vaultName
                    + "\"; it knows the vaults " + vaultUrls.keySet());
        }
        return url;
    }

    @Override
    public String toString() {
        return "AzureEnvironment[" + name + "]";
    }

    /** Builds a custom environment; audience, authority host and one way to address vaults are required. */
    public static final class Builder {

        private final String name;
        private String audience;
        private String authorityHost;
        private boolean verifyChallengeResource = true;
        private String urlTemplate;
        private Map<String, String> vaultUrls;

        private Builder(String name) {
            if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_.-]{0,63}")) {
                throw new IllegalArgumentException("a custom environment name has 1 to 64 characters: a letter,"
                        + " then letters, digits, '.', '_' or '-'; got \"" + name + "\"");
            }
            this.name = name;
        }

        /** The token audience, e.g. {@code https://vault.azure.net} for Private Link to a real vault. */
        public Builder keyVaultAudience(String audience) {
            this.audience = requireUrl(audience, "key vault audience");
            return this;
        }

        /** The Entra ID authority host, e.g. {@code https://login.microsoftonline.com/}. */
        public Builder authorityHost(String authorityHost) {
            this.authorityHost = requireHttpsUrl(authorityHost, "authority host");
            return this;
        }

        /** Defaults to true; see {@link AzureEnvironment#verifyChallengeResource()}. */
        public Builder verifyChallengeResource(boolean verify) {
            this.verifyChallengeResource = verify;
            return this;
        }

        /** Vault URLs from a template such as {@code https://{vault}.privatelink.contoso.net}. */
        public Builder vaultUrlTemplate(String template) {
            Objects.requireNonNull(template, "template");
            int first = template.indexOf(VAULT_PLACEHOLDER);
            if (first < 0 || template.indexOf(VAULT_PLACEHOLDER, first + 1) >= 0) {
                throw new IllegalArgumentException("a vault URL template must contain " + VAULT_PLACEHOLDER
                        + " exactly once, e.g. https://{vault}.privatelink.contoso.net; got \"" + template + "\"");
            }
            requireHttpsUrl(template.replace(VAULT_PLACEHOLDER, "vault-name"), "vault URL template " + template);
            this.urlTemplate = template;
            this.vaultUrls = null;
            return this;
        }

        /**
         * Vault URLs named one by one, e.g. {@code local-vault -> https://127.0.0.1:9441} for an emulator
         * that serves one vault per port.
         */
        public Builder vaultUrls(Map<String, String> urlsByVaultName) {
            if (urlsByVaultName == null || urlsByVaultName.isEmpty()) {
                throw new IllegalArgumentException("a vault URL map needs at least one vault");
            }
            Map<String, String> urls = new LinkedHashMap<>();
            urlsByVaultName.forEach((vault, url) -> {
                String key = VaultNames.requireValid(vault).toLowerCase(Locale.ROOT);
                if (urls.put(key, requireHttpsUrl(url, "URL of vault " + vault)) != null) {
                    throw new IllegalArgumentException("vault \"" + vault + "\" is mapped twice (names ignore case)");
                }
            });
            this.vaultUrls = Collections.unmodifiableMap(urls);
            this.urlTemplate = null;
            return this;
        }

        public AzureEnvironment build() {
            if (audience == null || authorityHost == null) {
                throw new IllegalArgumentException("custom environment " + name
                        + " needs a key vault audience and an authority host");
            }
            if (urlTemplate == null && vaultUrls == null) {
                throw new IllegalArgumentException("custom environment " + name
                        + " needs a vault URL template containing {vault} or a map from vault name to URL");
            }
            return new AzureEnvironment(name, audience, authorityHost, verifyChallengeResource, false, false, null,
                    urlTemplate, vaultUrls);
        }

        private static String requireUrl(String value, String what) {
            URI uri = parse(value, what);
            if (!uri.isAbsolute() || uri.getRawAuthority() == null) {
                throw new IllegalArgumentException("the " + what + " must be an absolute URL such as"
                        + " https://vault.azure.net; got \"" + value + "\"");
            }
            return value;
        }

        private static String requireHttpsUrl(String value, String what) {
            URI uri = parse(value, what);
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("the " + what + " must be an https URL with a host (tokens are"
                        + " only sent over https); got \"" + value + "\"");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("the " + what + " must not have a query or fragment; got \""
                        + value + "\"");
            }
            return value;
        }

        private static URI parse(String value, String what) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("the " + what + " must not be blank");
            }
            try {
                return new URI(value);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("the " + what + " is not a valid URL: \"" + value + "\"", e);
            }
        }
    }
}
