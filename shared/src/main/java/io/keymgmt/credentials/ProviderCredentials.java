package io.keymgmt.credentials;

import io.keymgmt.secrets.SecretBytes;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A KMS provider's {@code credentials} map for {@code azurekeyvault}: {@code tenant_id},
 * {@code client_id}, {@code client_secret} and {@code environment}, each optional.
 *
 * <p>The client secret is held in {@link SecretBytes}, which this object owns and wipes on
 * {@link #close}. {@link #toString} shows only whether a secret is set. {@link #encode} and
 * {@link #decode} give the byte form that is sealed at rest, without putting the secret in a
 * {@code String}.
 */
public final class ProviderCredentials implements AutoCloseable {

    public static final String TENANT_ID = "tenant_id";
    public static final String CLIENT_ID = "client_id";
    public static final String CLIENT_SECRET = "client_secret";
    public static final String ENVIRONMENT = "environment";
    /** The accepted keys, in the order Vault documents them. */
    public static final List<String> ACCEPTED_KEYS = List.of(TENANT_ID, CLIENT_ID, CLIENT_SECRET, ENVIRONMENT);
    private static final int ENCODING_VERSION = 1;

    private final String tenantId;
    private final String clientId;
    private final SecretBytes clientSecret;
    private final String environment;

    private ProviderCredentials(String tenantId, String clientId, SecretBytes clientSecret, String environment) {
        this.tenantId = tenantId;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.environment = environment;
    }

    /** A provider without credentials: everything comes from the process environment or defaults. */
    public static ProviderCredentials none() {
        return new ProviderCredentials(null, null, null, null);
    }

    /**
     * Reads a provider's {@code credentials} map. The caller's map still holds the secret as a
     * {@code String}; drop it soon.
     *
     * @throws IllegalArgumentException for an unknown key (naming it and the accepted ones) or a blank value
     */
    public static ProviderCredentials of(Map<String, String> credentials) {
        if (credentials == null || credentials.isEmpty()) {
            return none();
        }
        Set<String> unknown = new TreeSet<>(credentials.keySet());
        ACCEPTED_KEYS.forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown credentials key" + (unknown.size() > 1 ? "s " : " ") + unknown
                    + " for provider azurekeyvault; accepted keys: " + String.join(", ", ACCEPTED_KEYS));
        }
        List<String> blank = new ArrayList<>();
        for (String key : ACCEPTED_KEYS) {
            if (credentials.containsKey(key) && (credentials.get(key) == null || credentials.get(key).isBlank())) {
                blank.add(key);
            }
        }
        if (!blank.isEmpty()) {
            throw new IllegalArgumentException("credentials " + blank + " must not be blank; leave a key out to"
                    + " take it from the process environment or the default");
        }
        String secret = credentials.get(CLIENT_SECRET);
        return new ProviderCredentials(credentials.get(TENANT_ID), credentials.get(CLIENT_ID),
                secret == null ? null : SecretBytes.adopt(secret.getBytes(StandardCharsets.UTF_8)),
                credentials.get(ENVIRONMENT));
    }

    public Optional<String> tenantId() {
        return Optional.ofNullable(tenantId);
    }

    public Optional<String> clientId() {
        return Optional.ofNullable(clientId);
    }

    /** The secret's UTF-8 bytes, still owned by this object: read it, do not close it. */
    public Optional<SecretBytes> clientSecret() {
        return Optional.ofNullable(clientSecret);
    }

    /** The environment name as given; {@link AzureEnvironments#resolve} checks it. */
    public Optional<String> environment() {
        return Optional.ofNullable(environment);
    }

    public boolean isEmpty() {
        return tenantId == null && clientId == null && clientSecret == null && environment == null;
    }

    /**
     * The form to seal: a version byte (1), then for each present value in the order of
     * {@link #ACCEPTED_KEYS} its index there (1 byte), its length (4 bytes, big-endian) and its
     * UTF-8 bytes. The caller owns and closes the result.
     */
    public SecretBytes encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ENCODING_VERSION);
        byte[] secret = clientSecret == null ? null : clientSecret.copyBytes();
        try {
            writeField(out, 0, tenantId == null ? null : tenantId.getBytes(StandardCharsets.UTF_8));
            writeField(out, 1, clientId == null ? null : clientId.getBytes(StandardCharsets.UTF_8));
            writeField(out, 2, secret);
            writeField(out, 3, environment == null ? null : environment.getBytes(StandardCharsets.UTF_8));
            return SecretBytes.adopt(out.toByteArray());
        } finally {
            if (secret != null) {
                Arrays.fill(secret, (byte) 0);
            }
            // ByteArrayOutputStream's internal buffers cannot be reached to wipe; they are garbage now.
        }
    }

    /**
     * Reads what {@link #encode} wrote. The caller still owns {@code encoded}.
     *
     * @throws IllegalArgumentException if the bytes are not that form
     */
    public static ProviderCredentials decode(SecretBytes encoded) {
        return encoded.read(bytes -> {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            String[] text = new String[ACCEPTED_KEYS.size()];
            SecretBytes secret = null;
            try {
                int version = Byte.toUnsignedInt(in.get());
                if (version != ENCODING_VERSION) {
                    throw malformed("encoding version " + version + " is not supported; this build reads "
                            + ENCODING_VERSION);
                }
                int previous = -1;
                while (in.hasRemaining()) {
                    int index = Byte.toUnsignedInt(in.get());
                    if (index >= ACCEPTED_KEYS.size() || index <= previous) {
                        throw malformed("field " + index + " is unknown or out of order");
                    }
                    previous = index;
                    int length = in.getInt();
                    if (length <= 0 || length > in.remaining()) {
                        throw malformed("field " + ACCEPTED_KEYS.get(index) + " has length " + length);
                    }
                    byte[] value = new byte[length];
                    in.get(value);
                    if (index == 2) {
                        secret = SecretBytes.adopt(value);
                    } else {
                        text[index] = decodeUtf8(value, ACCEPTED_KEYS.get(index));
                    }
                }
                return new ProviderCredentials(text[0], text[1], secret, text[3]);
            } catch (BufferUnderflowException e) {
                closeQuietly(secret);
                throw malformed("they end inside a field");
            } catch (RuntimeException e) {
                closeQuietly(secret);
                throw e;
            }
        });
    }

    private static void writeField(ByteArrayOutputStream out, int index, byte[] value) {
        if (value != null) {
            out.write(index);
            out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
            out.writeBytes(value);
        }
    }

    private static String decodeUtf8(byte[] value, String key) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed(key + " is not valid UTF-8");
        }
    }

    private static IllegalArgumentException malformed(String problem) {
        return new IllegalArgumentException("stored provider credentials are malformed: " + problem);
    }

    private static void closeQuietly(SecretBytes secret) {
        if (secret != null) {
            secret.close();
        }
    }

    /** Wipes the client secret. */
    @Override
    public void close() {
        if (clientSecret != null) {
            clientSecret.close();
        }
    }

    /** Tenant, client id and environment are not secret; the client secret shows only as set. */
    @Override
    public String toString() {
        return "ProviderCredentials[tenant_id=" + tenantId + ", client_id=" + clientId
                + ", client_secret=" + (clientSecret == null ? "absent" : "(set)") + ", environment=" + environment + "]";
    }
}
