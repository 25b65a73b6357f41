package io.keymgmt.emulator.vault;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.keymgmt.emulator.http.Exchanges;

/**
 * Reads and checks the JSON bodies of Key Vault key requests. Every refusal is a 400 BadParameter
 * that names the field, what was wrong and what is accepted.
 */
final class KeyRequests {

    /** JsonWebKeyOperation values, in Key Vault's spelling. */
    static final List<String> KEY_OPERATIONS =
            List.of("encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "import", "export");
    /** What Key Vault gives an RSA key when key_ops is not sent. */
    static final List<String> DEFAULT_RSA_KEY_OPS =
            List.of("encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey");
    static final Set<Integer> RSA_KEY_SIZES = Set.of(2048, 3072, 4096);
    static final int DEFAULT_RSA_KEY_SIZE = 2048;
    /** Key Vault's limit on tags per object. */
    static final int MAX_TAGS = 15;
    private static final int MAX_TAG_NAME = 512;
    private static final int MAX_TAG_VALUE = 256;

    /** Attributes a request may set; null means "not sent". */
    record Attributes(Boolean enabled, Long notBefore, Long expires) {
        static final Attributes NONE = new Attributes(null, null, null);
    }

    record Create(String kty, int keySize, List<String> keyOps, Attributes attributes, Map<String, String> tags) {
    }

    /** An import: the JWK as sent, and whether Key Vault is to hold it in an HSM. */
    record Import(ObjectNode jwk, String kty, boolean hsm, String keyHsm, List<String> keyOps, Attributes attributes,
            Map<String, String> tags) {
    }

    /** A PATCH; null fields are left unchanged. */
    record Update(List<String> keyOps, Attributes attributes, Map<String, String> tags) {
    }

    /** wrapkey, unwrapkey, encrypt, decrypt, sign: an algorithm and a value. */
    record Crypto(String algorithm, byte[] value) {
    }

    private KeyRequests() {
    }

    static ObjectNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw KeyVaultException.badParameter("The request body is empty; this operation needs a JSON object.");
        }
        JsonNode node;
        try {
            node = Exchanges.JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw KeyVaultException.badParameter("The request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw KeyVaultException.badParameter("The request body could not be read as JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw KeyVaultException.badParameter("The request body must be a JSON object.");
        }
        return (ObjectNode) node;
    }

    static Create create(ObjectNode body) {
        String kty = requiredText(body, "kty");
        String type = keyType(kty, "kty");
        int keySize = DEFAULT_RSA_KEY_SIZE;
        JsonNode size = body.get("key_size");
        if (size != null && !size.isNull()) {
            if (!size.isIntegralNumber() || !RSA_KEY_SIZES.contains(size.asInt())) {
                throw KeyVaultException.badParameter("key_size " + size + " is not supported for RSA keys; accepted: "
                        + "2048, 3072, 4096.");
            }
            keySize = size.asInt();
        }
        // The Java SDK sends 0 when the caller set no exponent; Key Vault reads that as its default.
        JsonNode exponent = body.get("public_exponent");
        if (exponent != null && !exponent.isNull()
                && (!exponent.isIntegralNumber() || exponent.asLong() != 65537 && exponent.asLong() != 0)) {
            throw KeyVaultException.badParameter("public_exponent " + exponent + " is not supported by this emulator; "
                    + "it creates RSA keys with 65537 only.");
        }
        refuseReleasePolicy(body);
        return new Create(type, keySize, keyOps(body.get("key_ops"), "key_ops"), attributes(body.get("attributes")),
                tags(body.get("tags")));
    }

    static Import importKey(ObjectNode body) {
        JsonNode key = body.get("key");
        if (key == null || !key.isObject()) {
            throw KeyVaultException.badParameter("The 'key' property is required: a JSON Web Key with kty RSA (n, e, d, "
                    + "p, q, dp, dq, qi) or kty RSA-HSM with key_hsm (a BYOK transfer blob).");
        }
        ObjectNode jwk = (ObjectNode) key;
        String kty = keyType(requiredText(jwk, "key.kty"), "key.kty");
        JsonNode hsmNode = body.get("Hsm");
        boolean hsm = false;
        if (hsmNode != null && !hsmNode.isNull()) {
            if (!hsmNode.isBoolean()) {
                throw KeyVaultException.badParameter("'Hsm' must be true or false, was " + hsmNode + ".");
            }
            hsm = hsmNode.booleanValue();
        }
        JsonNode keyHsmNode = jwk.get("key_hsm");
        String keyHsm = null;
        if (keyHsmNode != null && !keyHsmNode.isNull()) {
            if (!keyHsmNode.isTextual() || keyHsmNode.asText().isEmpty()) {
                throw KeyVaultException.badParameter("key.key_hsm must be a non-empty base64url string (the BYOK "
                        + "transfer blob).");
            }
            keyHsm = keyHsmNode.asText();
        }
        refuseReleasePolicy(body);
        List<String> keyOps = keyOps(jwk.get("key_ops"), "key.key_ops");
        return new Import(jwk, kty, hsm, keyHsm, keyOps, attributes(body.get("attributes")), tags(body.get("tags")));
    }

    static Update update(ObjectNode body) {
        // The Java SDK always sends key_ops on update, [] when the caller passed none (as when only
        // disabling a version); an empty list therefore leaves key_ops unchanged, as the SDK's callers
        // rely on. (That Key Vault itself reads [] this way is inferred from the SDK, not documented.)
        JsonNode ops = body.get("key_ops");
        List<String> keyOps = ops == null || ops.isNull() || ops.isArray() && ops.isEmpty() ? null
                : keyOps(ops, "key_ops");
        JsonNode tagsNode = body.get("tags");
        Map<String, String> tags = tagsNode == null || tagsNode.isNull() ? null : tags(tagsNode);
        refuseReleasePolicy(body);
        return new Update(keyOps, attributes(body.get("attributes")), tags);
    }

    static Crypto crypto(ObjectNode body) {
        String algorithm = requiredText(body, "alg");
        String value = requiredText(body, "value");
        return new Crypto(algorithm, Base64Values.decode("value", value));
    }

    /** RSA or RSA-HSM in Key Vault's spelling; the other JWK types are refused by name. */
    private static String keyType(String kty, String field) {
        if (KeyVersion.RSA.equalsIgnoreCase(kty)) {
            return KeyVersion.RSA;
        }
        if (KeyVersion.RSA_HSM.equalsIgnoreCase(kty)) {
            return KeyVersion.RSA_HSM;
        }
        if (Set.of("ec", "ec-hsm", "oct", "oct-hsm").contains(kty.toLowerCase(Locale.ROOT))) {
            throw KeyVaultException.badParameter("Key type " + kty + " (" + field + ") is not supported by this "
                    + "emulator; it supports RSA and RSA-HSM.");
        }
        throw KeyVaultException.badParameter("Unknown " + field + " '" + kty + "'; Key Vault key types are RSA, "
                + "RSA-HSM, EC, EC-HSM, oct and oct-HSM, and this emulator supports RSA and RSA-HSM.");
    }

    /** Null or absent gives Key Vault's default for RSA keys; names are matched case-insensitively. */
    static List<String> keyOps(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return DEFAULT_RSA_KEY_OPS;
        }
        if (!node.isArray()) {
            throw KeyVaultException.badParameter(field + " must be an array of key operations; accepted: "
                    + String.join(", ", KEY_OPERATIONS) + ".");
        }
        List<String> ops = new ArrayList<>();
        for (JsonNode op : node) {
            String name = op.isTextual() ? op.asText() : op.toString();
            String canonical = KEY_OPERATIONS.stream().filter(k -> k.equalsIgnoreCase(name)).findFirst()
                    .orElseThrow(() -> KeyVaultException.badParameter("Key operation '" + name + "' in " + field
                            + " is not valid; accepted: " + String.join(", ", KEY_OPERATIONS) + "."));
            if (!ops.contains(canonical)) {
                ops.add(canonical);
            }
        }
        return List.copyOf(ops);
    }

    static Attributes attributes(JsonNode node) {
        if (node == null || node.isNull()) {
            return Attributes.NONE;
        }
        if (!node.isObject()) {
            throw KeyVaultException.badParameter("'attributes' must be a JSON object.");
        }
        Boolean enabled = null;
        JsonNode e = node.get("enabled");
        if (e != null && !e.isNull()) {
            if (!e.isBoolean()) {
                throw KeyVaultException.badParameter("attributes.enabled must be true or false, was " + e + ".");
            }
            enabled = e.booleanValue();
        }
        JsonNode exportable = node.get("exportable");
        if (exportable != null && exportable.asBoolean(false)) {
            throw KeyVaultException.badParameter("attributes.exportable=true needs a release policy, which this "
                    + "emulator does not support.");
        }
        return new Attributes(enabled, epochSeconds(node, "nbf"), epochSeconds(node, "exp"));
    }

    private static Long epochSeconds(JsonNode attributes, String name) {
        JsonNode value = attributes.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber()) {
            throw KeyVaultException.badParameter("attributes." + name + " must be a Unix time in seconds, was "
                    + value + ".");
        }
        return value.asLong();
    }

    static Map<String, String> tags(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw KeyVaultException.badParameter("'tags' must be a JSON object of string values.");
        }
        if (node.size() > MAX_TAGS) {
            throw KeyVaultException.badParameter("Too many tags: " + node.size() + "; Key Vault allows at most "
                    + MAX_TAGS + " per key version.");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> tag : node.properties()) {
            if (!tag.getValue().isTextual()) {
                throw KeyVaultException.badParameter("Tag '" + tag.getKey() + "' must have a string value, was "
                        + tag.getValue() + ".");
            }
            if (tag.getKey().isEmpty() || tag.getKey().length() > MAX_TAG_NAME
                    || tag.getValue().asText().length() > MAX_TAG_VALUE) {
                throw KeyVaultException.badParameter("Tag '" + tag.getKey() + "' is out of bounds: names are 1-"
                        + MAX_TAG_NAME + " characters, values at most " + MAX_TAG_VALUE + ".");
            }
            tags.put(tag.getKey(), tag.getValue().asText());
        }
        return tags;
    }

    private static void refuseReleasePolicy(ObjectNode body) {
        JsonNode policy = body.get("release_policy");
        if (policy != null && !policy.isNull()) {
            throw KeyVaultException.badParameter("release_policy is not supported by this emulator.");
        }
    }

    static String requiredText(JsonNode node, String field) {
        String name = field.substring(field.lastIndexOf('.') + 1);
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw KeyVaultException.badParameter("The '" + field + "' property is required.");
        }
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw KeyVaultException.badParameter("'" + field + "' must be a non-empty string, was " + value + ".");
        }
        return value.asText();
    }
}
