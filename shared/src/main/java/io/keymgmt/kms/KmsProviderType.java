package io.keymgmt.kms;

import java.util.Locale;

/**
 * The kinds of KMS provider Vault knows. Only Azure Key Vault is served; the others are known so
 * that a Vault user gets a precise refusal rather than "unknown value".
 */
public enum KmsProviderType {
    AZURE_KEY_VAULT("azurekeyvault", true),
    AWS_KMS("awskms", false),
    GCP_CLOUD_KMS("gcpckms", false);

    private final String wireName;
    private final boolean supported;

    KmsProviderType(String wireName, boolean supported) {
        this.wireName = wireName;
        this.supported = supported;
    }

    public String wireName() {
        return wireName;
    }

    /** Parses a supported provider name; any other value is refused with what is accepted. */
    public static KmsProviderType parseSupported(String value) {
        String wanted = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (KmsProviderType type : values()) {
            if (type.wireName.equals(wanted)) {
                if (!type.supported) {
                    throw new IllegalArgumentException("provider \"" + type.wireName
                            + "\" is not supported: this engine manages Azure Key Vault only (provider=azurekeyvault)");
                }
                return type;
            }
        }
        throw new IllegalArgumentException("unknown provider \"" + value + "\": use azurekeyvault");
    }

    public static KmsProviderType fromWireName(String value) {
        for (KmsProviderType type : values()) {
            if (type.wireName.equals(value)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown provider type " + value);
    }
}
