package io.keymgmt.byok;

import io.keymgmt.secrets.SecretBytes;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Azure's BYOK key transfer blob: the JSON document whose bytes, base64url-encoded, are a BYOK
 * import's {@code key_hsm}, and which {@code az keyvault key import --byok-file} reads from a file.
 *
 * <pre>{"schema_version":"1.0.0","header":{"kid":"&lt;KEK kid&gt;","alg":"dir","enc":"CKM_RSA_AES_KEY_WRAP"},
 * "ciphertext":"&lt;base64url, no padding&gt;","generator":"&lt;tool; source&gt;"}</pre>
 *
 * <p>Written compactly in the specification's field order; read back strictly (exact fields, string
 * values, the fixed constants), so a test or a tool can check a blob before it travels.
 */
public final class KeyTransferBlob {

    public static final String SCHEMA_VERSION = "1.0.0";
    public static final String ALG = "dir";
    public static final String ENC = "CKM_RSA_AES_KEY_WRAP";

    /** The smallest KEK (2048 bits) plus RFC 5649's minimum output. */
    private static final int MIN_CIPHERTEXT_BYTES = 256 + 16;

    private final String kid;
    private final byte[] ciphertext;
    private final String generator;

    private KeyTransferBlob(String kid, byte[] ciphertext, String generator) {
        this.kid = kid;
        this.ciphertext = ciphertext;
        this.generator = generator;
    }

    /**
     * A blob from parts: {@code kid} must be a versioned Key Vault key id, {@code ciphertext} a
     * CKM_RSA_AES_KEY_WRAP output (at least 272 bytes, a multiple of 8), {@code generator} free text
     * naming the producing tool.
     */
    public static KeyTransferBlob of(String kid, byte[] ciphertext, String generator) {
        KeyExchangeKey.requireVersionedKeyId(kid);
        Objects.requireNonNull(ciphertext, "ciphertext");
        if (ciphertext.length < MIN_CIPHERTEXT_BYTES || ciphertext.length % 8 != 0) {
            throw new IllegalArgumentException("the ciphertext has " + ciphertext.length + " bytes; a CKM_RSA_AES_KEY_WRAP"
                    + " ciphertext has at least " + MIN_CIPHERTEXT_BYTES + " bytes and a multiple of 8");
        }
        Objects.requireNonNull(generator, "generator");
        requireWellFormed("generator", generator);
        return new KeyTransferBlob(kid, ciphertext.clone(), generator);
    }

    /** Wraps {@code targetPkcs8} for {@code kek} (see {@link RsaAesKeyWrap#wrap}) into a blob. */
    public static KeyTransferBlob wrap(KeyExchangeKey kek, SecretBytes targetPkcs8, String generator) {
        return of(kek.kid(), RsaAesKeyWrap.wrap(kek, targetPkcs8), generator);
    }

    public String kid() {
        return kid;
    }

    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    public String generator() {
        return generator;
    }

    /** The UTF-8 JSON, compact, fields in the specification's order. */
    public byte[] toJson() {
        StringBuilder json = new StringBuilder(ciphertext.length * 4 / 3 + 256);
        json.append("{\"schema_version\":");
        appendString(json, SCHEMA_VERSION);
        json.append(",\"header\":{\"kid\":");
        appendString(json, kid);
        json.append(",\"alg\":");
        appendString(json, ALG);
        json.append(",\"enc\":");
        appendString(json, ENC);
        json.append("},\"ciphertext\":");
        appendString(json, Base64.getUrlEncoder().withoutPadding().encodeToString(ciphertext));
        json.append(",\"generator\":");
        appendString(json, generator);
        json.append('}');
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a blob strictly: one JSON object with exactly the fields above (any order, JSON whitespace
     * allowed), all values strings, {@code schema_version} 1.0.0, {@code alg} dir,
     * {@code enc} CKM_RSA_AES_KEY_WRAP, a versioned kid, and unpadded canonical base64url ciphertext.
     */
    public static KeyTransferBlob parse(byte[] json) {
        Objects.requireNonNull(json, "json");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(json))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the key transfer blob is not valid UTF-8");
        }
        StrictJson reader = new StrictJson(text);
        Map<String, Object> top = reader.document();
        requireExactFields("the key transfer blob", top, "schema_version", "header", "ciphertext", "generator");
        Map<String, Object> header = objectField(top, "header");
        requireExactFields("the key transfer blob's header", header, "kid", "alg", "enc");
        requireConstant("schema_version", stringField(top, "schema_version"), SCHEMA_VERSION);
        requireConstant("header.alg", stringField(header, "alg"), ALG);
        requireConstant("header.enc", stringField(header, "enc"), ENC);
        byte[] ciphertext = decodeBase64Url(stringField(top, "ciphertext"));
        return of(stringField(header, "kid"), ciphertext, stringField(top, "generator"));
    }

    private static byte[] decodeBase64Url(String encoded) {
        byte[] decoded;
        try {
            if (encoded.indexOf('=') >= 0) {
                throw new IllegalArgumentException("padding");
            }
            decoded = Base64.getUrlDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the blob's ciphertext is not base64url without padding (alphabet"
                    + " A-Z a-z 0-9 - _, no '=')");
        }
        // Non-zero spare bits in the last character decode without complaint; only the canonical form is ours.
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(decoded).equals(encoded)) {
            throw new IllegalArgumentException("the blob's ciphertext is not canonical base64url (its last character"
                    + " carries non-zero spare bits)");
        }
        return decoded;
    }

    private static void requireExactFields(String what, Map<String, Object> object, String... names) {
        for (String name : names) {
            if (!object.containsKey(name)) {
                throw new IllegalArgumentException(what + " has no \"" + name + "\" field; required fields are "
                        + String.join(", ", names));
            }
        }
        if (object.size() != names.length) {
            for (String present : object.keySet()) {
                if (!Arrays.asList(names).contains(present)) {
                    throw new IllegalArgumentException(what + " has an unknown field \"" + present + "\"; accepted fields are "
                            + String.join(", ", names));
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> objectField(Map<String, Object> object, String name) {
        Object value = object.get(name);
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("the key transfer blob's \"" + name + "\" must be an object");
        }
        return (Map<String, Object>) value;
    }

    private static String stringField(Map<String, Object> object, String name) {
        Object value = object.get(name);
        if (!(value instanceof String)) {
            throw new IllegalArgumentException("the key transfer blob's \"" + name + "\" must be a string");
        }
        return (String) value;
    }

    private static void requireConstant(String field, String actual, String expected) {
        if (!expected.equals(actual)) {
            throw new IllegalArgumentException("the key transfer blob's " + field + " is \"" + actual + "\"; only \""
                    + expected + "\" is accepted");
        }
    }

    /** Refuses lone surrogates, which UTF-8 cannot carry and the writer would silently turn into '?'. */
    private static void requireWellFormed(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("the " + field + " text contains an unpaired UTF-16 surrogate at index " + i
                        + "; only well-formed Unicode text is accepted");
            }
        }
    }

    /** JSON string escaping (RFC 8259 section 7): quote, backslash and control characters; the rest as UTF-8. */
    private static void appendString(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"':
                    json.append("\\\"");
                    break;
                case '\\':
                    json.append("\\\\");
                    break;
                case '\b':
                    json.append("\\b");
                    break;
                case '\f':
                    json.append("\\f");
                    break;
                case '\n':
                    json.append("\\n");
                    break;
                case '\r':
                    json.append("\\r");
                    break;
                case '\t':
                    json.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
            }
        }
        json.append('"');
    }

    /**
     * A strict reader for the subset of JSON a blob uses: objects whose values are strings or objects.
     * Numbers, booleans, null and arrays are refused, as are duplicate names and trailing content.
     */
    private static final class StrictJson {
        private final String text;
        private int at;

        StrictJson(String text) {
            this.text = text;
        }

        Map<String, Object> document() {
            skipWhitespace();
            Map<String, Object> object = object();
            skipWhitespace();
            if (at != text.length()) {
                throw error("content after the closing }");
            }
            return object;
        }

        private Map<String, Object> object() {
            expect('{');
            Map<String, Object> members = new HashMap<>();
            skipWhitespace();
            if (peek() == '}') {
                at++;
                return members;
            }
            while (true) {
                skipWhitespace();
                String name = string();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                Object value = peek() == '{' ? object() : peek() == '"' ? string() : null;
                if (value == null) {
                    throw error("the value of \"" + name + "\" is not a string or an object");
                }
                if (members.put(name, value) != null) {
                    throw error("the field \"" + name + "\" appears twice");
                }
                skipWhitespace();
                char next = next();
                if (next == '}') {
                    return members;
                }
                if (next != ',') {
                    throw error("expected , or } after the value of \"" + name + "\"");
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder value = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return value.toString();
                }
                if (c < 0x20) {
                    throw error("a control character inside a string");
                }
                if (c != '\\') {
                    value.append(c);
                    continue;
                }
                char escaped = next();
                switch (escaped) {
                    case '"':
                    case '\\':
                    case '/':
                        value.append(escaped);
                        break;
                    case 'b':
                        value.append('\b');
                        break;
                    case 'f':
                        value.append('\f');
                        break;
                    case 'n':
                        value.append('\n');
                        break;
                    case 'r':
                        value.append('\r');
                        break;
                    case 't':
                        value.append('\t');
                        break;
                    case 'u':
                        if (at + 4 > text.length()) {
                            throw error("a truncated \\u escape");
                        }
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            int digit = Character.digit(text.charAt(at++), 16);
                            if (digit < 0) {
                                throw error("a \\u escape with a non-hex digit");
                            }
                            code = code * 16 + digit;
                        }
                        value.append((char) code);
                        break;
                    default:
                        throw error("an invalid escape \\" + escaped);
                }
            }
        }

        private void skipWhitespace() {
            while (at < text.length()) {
                char c = text.charAt(at);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                at++;
            }
        }

        private char peek() {
            if (at >= text.length()) {
                throw error("unexpected end of the document");
            }
            return text.charAt(at);
        }

        private char next() {
            char c = peek();
            at++;
            return c;
        }

        private void expect(char wanted) {
            if (next() != wanted) {
                throw error("expected " + wanted);
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("the key transfer blob is not the expected JSON: " + what
                    + " at character " + at);
        }
    }
}
