package io.keymgmt.seal;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A sealed secret as stored (a Table Storage {@code Edm.Binary}, at most 64 KiB).
 *
 * <p>Format version 1, integers big-endian:
 * <pre>
 *   4 bytes  magic "KMSB"
 *   1 byte   format version (1)
 *   2 bytes  length of the key-encryption key id, then the id in UTF-8 (1..1024 bytes)
 *   2 bytes  length of the wrapped data key, then the wrapped data key (1..4096 bytes)
 *  12 bytes  AES-GCM nonce
 *   rest     AES-256-GCM ciphertext followed by its 16-byte tag
 * </pre>
 * Everything before the nonce is the header; the content encryption authenticates it together with
 * the {@link AssociatedData}, so neither the KEK id nor the wrapped key can be swapped unnoticed.
 * {@link #parse} is strict: any deviation is a {@link SealingException}.
 */
public final class SealedBlob {

    public static final int FORMAT_VERSION = 1;
    /** Largest encoded blob: the Table Storage limit for a binary property. */
    public static final int MAX_ENCODED_LENGTH = 64 * 1024;
    public static final int NONCE_LENGTH = 12;
    public static final int TAG_LENGTH = 16;
    static final int MAX_KEK_ID_LENGTH = 1024;
    static final int MAX_WRAPPED_KEY_LENGTH = 4096;
    private static final byte[] MAGIC = {'K', 'M', 'S', 'B'};

    private final String kekId;
    private final byte[] wrappedDataKey;
    private final byte[] nonce;
    private final byte[] ciphertext;
    private final byte[] header;

    private SealedBlob(String kekId, byte[] wrappedDataKey, byte[] nonce, byte[] ciphertext, byte[] header) {
        this.kekId = kekId;
        this.wrappedDataKey = wrappedDataKey;
        this.nonce = nonce;
        this.ciphertext = ciphertext;
        this.header = header;
    }

    /**
     * The header (magic, version, KEK id, wrapped data key) a blob will have; the sealer needs it as
     * associated data before it has the ciphertext.
     */
    static byte[] header(String kekId, byte[] wrappedDataKey) {
        byte[] id = kekId.getBytes(StandardCharsets.UTF_8);
        if (kekId.isEmpty() || id.length > MAX_KEK_ID_LENGTH) {
            throw new SealingException("a key-encryption key id must be 1 to " + MAX_KEK_ID_LENGTH
                    + " bytes of UTF-8, got " + id.length);
        }
        if (wrappedDataKey.length == 0 || wrappedDataKey.length > MAX_WRAPPED_KEY_LENGTH) {
            throw new SealingException("a wrapped data key must be 1 to " + MAX_WRAPPED_KEY_LENGTH
                    + " bytes, got " + wrappedDataKey.length + " from key-encryption key " + kekId);
        }
        return ByteBuffer.allocate(MAGIC.length + 1 + 2 + id.length + 2 + wrappedDataKey.length)
                .put(MAGIC).put((byte) FORMAT_VERSION)
                .putShort((short) id.length).put(id)
                .putShort((short) wrappedDataKey.length).put(wrappedDataKey)
                .array();
    }

    /** Assembles a blob from the sealer's parts, refusing one that would exceed 64 KiB. */
    static SealedBlob assemble(String kekId, byte[] wrappedDataKey, byte[] nonce, byte[] ciphertext) {
        byte[] header = header(kekId, wrappedDataKey);
        int length = header.length + nonce.length + ciphertext.length;
        if (length > MAX_ENCODED_LENGTH) {
            throw new SealingException("the sealed blob would be " + length + " bytes, more than the "
                    + MAX_ENCODED_LENGTH + " bytes a stored binary value may hold; seal less data");
        }
        return new SealedBlob(kekId, wrappedDataKey.clone(), nonce.clone(), ciphertext.clone(), header);
    }

    /**
     * Reads a stored blob.
     *
     * @throws SealingException if the bytes are not a complete blob of a known format version
     */
    public static SealedBlob parse(byte[] encoded) {
        Objects.requireNonNull(encoded, "encoded");
        if (encoded.length > MAX_ENCODED_LENGTH) {
            throw new SealingException("a sealed blob is at most " + MAX_ENCODED_LENGTH + " bytes, got "
                    + encoded.length);
        }
        ByteBuffer in = ByteBuffer.wrap(encoded);
        try {
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new SealingException("not a sealed blob: it does not start with the magic bytes \"KMSB\"");
            }
            int version = Byte.toUnsignedInt(in.get());
            if (version != FORMAT_VERSION) {
                throw new SealingException("sealed blob format version " + version
                        + " is not supported; this build reads version " + FORMAT_VERSION);
            }
            byte[] id = new byte[Short.toUnsignedInt(in.getShort())];
            in.get(id);
            String kekId = decodeUtf8(id);
            byte[] wrapped = new byte[Short.toUnsignedInt(in.getShort())];
            in.get(wrapped);
            byte[] header = header(kekId, wrapped);
            byte[] nonce = new byte[NONCE_LENGTH];
            in.get(nonce);
            if (in.remaining() < TAG_LENGTH) {
                throw new SealingException("sealed blob is truncated: " + in.remaining()
                        + " bytes of ciphertext remain, less than the " + TAG_LENGTH + "-byte tag");
            }
            byte[] ciphertext = new byte[in.remaining()];
            in.get(ciphertext);
            return new SealedBlob(kekId, wrapped, nonce, ciphertext, header);
        } catch (BufferUnderflowException e) {
            throw new SealingException("sealed blob is truncated: " + encoded.length
                    + " bytes end inside its header", e);
        }
    }

    /** The stored form. */
    public byte[] toBytes() {
        return ByteBuffer.allocate(header.length + nonce.length + ciphertext.length)
                .put(header).put(nonce).put(ciphertext)
                .array();
    }

    public int formatVersion() {
        return FORMAT_VERSION;
    }

    /** The key-encryption key that wrapped this blob's data key. */
    public String kekId() {
        return kekId;
    }

    public byte[] wrappedDataKey() {
        return wrappedDataKey.clone();
    }

    public byte[] nonce() {
        return nonce.clone();
    }

    /** The ciphertext with its tag. */
    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    byte[] header() {
        return header.clone();
    }

    /** Says only what is public: the format and the KEK. */
    @Override
    public String toString() {
        return "SealedBlob[v" + FORMAT_VERSION + ", kek=" + kekId + ", " + ciphertext.length + " bytes of ciphertext]";
    }

    private static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SealingException("sealed blob's key-encryption key id is not valid UTF-8", e);
        }
    }
}
