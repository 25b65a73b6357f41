package io.keymgmt.seal;

import io.keymgmt.secrets.SecretBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * The local stack's key-encryption key: 32 random bytes in a file, made on first use.
 *
 * <p>The key is written to a private temporary file and then published under its final name with a
 * hard link, which fails if the name exists. Two processes starting together therefore end with the
 * one key that was published first, and nobody ever reads a half-written file. Where POSIX
 * permissions exist the file is owner-only ({@code rw-------}) from its creation, and an existing
 * file that its group or others may access is refused, as is one that is not exactly 32 bytes.
 *
 * <p>The id, {@code local:} and the first 8 bytes of a SHA-256 over the key as hex, changes when
 * the file is replaced, so blobs sealed under the old file are reported as sealed with another key
 * instead of failing as if tampered with. Data keys are wrapped with AES-256-GCM: a fresh 12-byte
 * nonce followed by the ciphertext and tag.
 */
public final class LocalKeyFileKek implements KeyEncryptionKey, AutoCloseable {

    public static final int KEY_LENGTH = 32;
    private static final String ID_PREFIX = "local:";
    private static final byte[] ID_LABEL = "keymgmt local key-encryption key id\0".getBytes(StandardCharsets.US_ASCII);
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    /** The owner's bits; a key file or its new directory may have nothing beyond these. */
    private static final Set<PosixFilePermission> OWNER_ALL = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private final Path keyFile;
    private final SecretBytes key;
    private final String id;
    private final SecureRandom random;

    private LocalKeyFileKek(Path keyFile, SecretBytes key, SecureRandom random) {
        this.keyFile = keyFile;
        this.key = key;
        this.random = random;
        this.id = ID_PREFIX + HexFormat.of().formatHex(key.read(LocalKeyFileKek::sha256), 0, 8);
    }

    /** Opens {@code keyFile}, creating it with a fresh key if it does not exist. */
    public static LocalKeyFileKek openOrCreate(Path keyFile) {
        return openOrCreate(keyFile, new SecureRandom());
    }

    /** As {@link #openOrCreate(Path)}, with the random source for the key and the wrapping nonces. */
    public static LocalKeyFileKek openOrCreate(Path keyFile, SecureRandom random) {
        Path file = Objects.requireNonNull(keyFile, "keyFile").toAbsolutePath();
        Objects.requireNonNull(random, "random");
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            try {
                create(file, random);
            } catch (FileAlreadyExistsException raced) {
                // Another process or thread published its key first; use that one.
            } catch (IOException e) {
                throw new SealingException("cannot create the local key-encryption key file " + file + ": " + e, e);
            }
        }
        return new LocalKeyFileKek(file, read(file), random);
    }

    public Path keyFile() {
        return keyFile;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public byte[] wrap(SecretBytes dataKey, byte[] aad) {
        byte[] nonce = new byte[SealedBlob.NONCE_LENGTH];
        random.nextBytes(nonce);
        byte[] sealed = dataKey.read(bytes -> AesGcm.encrypt(key, nonce, aad, bytes));
        return ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
    }

    @Override
    public SecretBytes unwrap(byte[] wrapped, byte[] aad) {
        if (wrapped.length < SealedBlob.NONCE_LENGTH + SealedBlob.TAG_LENGTH) {
            throw new SealingException("a data key wrapped by " + id + " is at least "
                    + (SealedBlob.NONCE_LENGTH + SealedBlob.TAG_LENGTH) + " bytes, got " + wrapped.length);
        }
        byte[] nonce = Arrays.copyOfRange(wrapped, 0, SealedBlob.NONCE_LENGTH);
        byte[] sealed = Arrays.copyOfRange(wrapped, SealedBlob.NONCE_LENGTH, wrapped.length);
        return SecretBytes.adopt(AesGcm.decrypt(key, nonce, aad, sealed,
                "key-encryption key " + id + " (" + keyFile + ") cannot unwrap this data key: it was altered,"
                        + " it belongs to another owner, or it was wrapped by another key"));
    }

    /** Wipes the key held in memory; the file stays. */
    @Override
    public void close() {
        key.close();
    }

    @Override
    public String toString() {
        return "LocalKeyFileKek[" + id + ", " + keyFile + "]";
    }

    private static void create(Path file, SecureRandom random) throws IOException {
        Path dir = file.getParent();
        boolean posix = supportsPosix(dir);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                    OWNER_ALL)} : new FileAttribute<?>[0]);
        }
        FileAttribute<?>[] ownerOnly = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        // createTempFile opens with CREATE_NEW, so the temporary name is ours alone.
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", ownerOnly);
        try {
            if (posix) {
                // The umask can only narrow the creation mode; make sure the owner can still write.
                Files.setPosixFilePermissions(temp, OWNER_ONLY);
            }
            byte[] fresh = new byte[KEY_LENGTH];
            random.nextBytes(fresh);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(fresh);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            } finally {
                Arrays.fill(fresh, (byte) 0);
            }
            publish(temp, file);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Gives the complete temporary file its final name, failing if that name already exists. */
    private static void publish(Path temp, Path file) throws IOException {
        try {
            Files.createLink(file, temp);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
            // A file system without hard links: a move without REPLACE_EXISTING still refuses to
            // overwrite, atomically on Windows, with a short check-then-rename window elsewhere.
            Files.move(temp, file);
        }
    }

    private static SecretBytes read(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new SealingException("the local key-encryption key file " + file + " is not a regular file");
            }
            if (supportsPosix(file)) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                Set<PosixFilePermission> extra = EnumSet.copyOf(permissions);
                extra.removeAll(OWNER_ALL);
                if (!extra.isEmpty()) {
                    throw new SealingException("the local key-encryption key file " + file + " has permissions "
                            + PosixFilePermissions.toString(permissions) + ", so others may read or replace it;"
                            + " it must be accessible by its owner only: chmod 600 " + file);
                }
            }
            long size = Files.size(file);
            if (size != KEY_LENGTH) {
                throw new SealingException("the local key-encryption key file " + file + " is " + size
                        + " bytes; it must hold exactly " + KEY_LENGTH + " random bytes. Restore the original"
                        + " file, or move it away to create a new key (blobs sealed with the old key will"
                        + " not open)");
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length != KEY_LENGTH) {
                Arrays.fill(bytes, (byte) 0);
                throw new SealingException("the local key-encryption key file " + file + " changed while being read");
            }
            return SecretBytes.adopt(bytes);
        } catch (IOException e) {
            throw new SealingException("cannot read the local key-encryption key file " + file + ": " + e, e);
        }
    }

    private static boolean supportsPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static byte[] sha256(byte[] key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(ID_LABEL);
            return digest.digest(key);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
