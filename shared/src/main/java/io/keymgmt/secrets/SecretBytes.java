package io.keymgmt.secrets;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

/**
 * Secret bytes (a private key's PKCS#8, a data key, a client secret) held in a type that never prints
 * them: it overrides neither {@code toString} nor {@code equals}, so neither logs nor collections can
 * leak or compare its content by accident. The bytes are handed out only on purpose, through
 * {@link #read} (borrowed, never to be kept) or {@link #copyBytes} (the caller wipes the copy), and
 * are wiped by {@link #close}. Use it in try-with-resources so the wipe happens on every path.
 *
 * <p>A JVM cannot promise that no other copy exists (a {@code BigInteger} inside a JCA key, a
 * {@code String} handed to the Azure SDK); this type keeps the copies we control short-lived.
 */
public final class SecretBytes implements AutoCloseable {

    private final byte[] bytes;
    private boolean wiped;

    private SecretBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Copies {@code source}; the caller still owns and should wipe its array. */
    public static SecretBytes copyOf(byte[] source) {
        Objects.requireNonNull(source, "source");
        return new SecretBytes(source.clone());
    }

    /** Takes ownership of {@code source} without copying: the caller must not use the array again. */
    public static SecretBytes adopt(byte[] source) {
        Objects.requireNonNull(source, "source");
        return new SecretBytes(source);
    }

    /** Fresh random bytes, as for an ephemeral AES key. */
    public static SecretBytes random(int length, SecureRandom random) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return new SecretBytes(b);
    }

    public synchronized int length() {
        ensureLive();
        return bytes.length;
    }

    /**
     * Lends the bytes to {@code reader} for the duration of the call. The reader must neither keep
     * nor modify the array.
     */
    public synchronized <T> T read(Function<byte[], T> reader) {
        ensureLive();
        return reader.apply(bytes);
    }

    /** A copy the caller owns and must wipe ({@code Arrays.fill(copy, (byte) 0)}) when done. */
    public synchronized byte[] copyBytes() {
        ensureLive();
        return bytes.clone();
    }

    /** Compares in time independent of where the contents differ. */
    public boolean contentEquals(SecretBytes other) {
        byte[] mine = copyBytes();
        byte[] theirs = other.copyBytes();
        try {
            return MessageDigest.isEqual(mine, theirs);
        } finally {
            Arrays.fill(mine, (byte) 0);
            Arrays.fill(theirs, (byte) 0);
        }
    }

    public synchronized boolean isWiped() {
        return wiped;
    }

    /** Overwrites the bytes with zeros. Idempotent. */
    @Override
    public synchronized void close() {
        Arrays.fill(bytes, (byte) 0);
        wiped = true;
    }

    private void ensureLive() {
        if (wiped) {
            throw new IllegalStateException("secret bytes were already wiped");
        }
    }
}
