package io.keymgmt.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.secrets.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvelopeSealerTest {

    private static final AssociatedData VERSION_1 = AssociatedData.keyVersion("demo", 1);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int TAG = SealedBlob.TAG_LENGTH;

    @TempDir
    Path dir;
    private LocalKeyFileKek kek;
    private EnvelopeSealer sealer;

    @BeforeEach
    void openKek() {
        kek = LocalKeyFileKek.openOrCreate(dir.resolve("kek.key"));
        sealer = new EnvelopeSealer(kek);
    }

    @AfterEach
    void closeKek() {
        kek.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, 32, 1217, 2375, 65_000})
    void roundTripsPlaintextsOfManySizes(int size) {
        byte[] plaintext = new byte[size];
        RANDOM.nextBytes(plaintext);
        SealedBlob blob = seal(plaintext, VERSION_1);
        byte[] stored = blob.toBytes();
        assertTrue(stored.length <= SealedBlob.MAX_ENCODED_LENGTH);
        try (SecretBytes opened = sealer.unseal(SealedBlob.parse(stored), VERSION_1)) {
            assertArrayEquals(plaintext, opened.copyBytes());
        }
        assertEquals(kek.id(), blob.kekId());
    }

    @Test
    void plaintextTooLargeForA64KiBBlobIsRefusedWithTheLimit() {
        SealingException e = assertThrows(SealingException.class,
                () -> seal(new byte[SealedBlob.MAX_ENCODED_LENGTH], VERSION_1));
        assertTrue(e.getMessage().contains("65536"), e.getMessage());
    }

    @Test
    void thePlaintextNeverAppearsInTheBlob() {
        byte[] plaintext = "-----BEGIN PRIVATE KEY----- MIIEvQIBADANBgkqhkiG9w0BAQEFAASC".getBytes(StandardCharsets.US_ASCII);
        byte[] stored = seal(plaintext, VERSION_1).toBytes();
        assertFalse(contains(stored, plaintext));
        // Nor any 8-byte window of it.
        for (int i = 0; i + 8 <= plaintext.length; i++) {
            assertFalse(contains(stored, Arrays.copyOfRange(plaintext, i, i + 8)), "window at " + i);
        }
    }

    @Test
    void sealingTheSamePlaintextTwiceGivesUnrelatedBlobs() {
        byte[] plaintext = "same secret".getBytes(StandardCharsets.UTF_8);
        SealedBlob a = seal(plaintext, VERSION_1);
        SealedBlob b = seal(plaintext, VERSION_1);
        assertNotEquals(hex(a.nonce()), hex(b.nonce()));
        assertNotEquals(hex(a.wrappedDataKey()), hex(b.wrappedDataKey()));
        assertNotEquals(hex(a.ciphertext()), hex(b.ciphertext()));
    }

    @Test
    void alteredCiphertextFailsAuthentication() {
        assertTamperingFails(blob -> blob[blob.length - TAG - 5] ^= 1, "failed authentication");
    }

    @Test
    void alteredTagFailsAuthentication() {
        assertTamperingFails(blob -> blob[blob.length - 1] ^= (byte) 0x80, "failed authentication");
    }

    @Test
    void alteredNonceFailsAuthentication() {
        assertTamperingFails(blob -> blob[blob.length - TAG - 24 - 1] ^= 1, "failed authentication");
    }

    @Test
    void alteredWrappedDataKeyFailsToUnwrap() {
        int wrappedStart = 4 + 1 + 2 + kek.id().length() + 2;
        assertTamperingFails(blob -> blob[wrappedStart + 20] ^= 1, "cannot unwrap");
    }

    @Test
    void alteredKekIdNamesTheUnknownKey() {
        assertTamperingFails(blob -> blob[4 + 1 + 2 + 6] ^= 1, "not configured");
    }

    @Test
    void aTruncatedBlobIsRefusedBeforeDecryption() {
        byte[] stored = seal(new byte[40], VERSION_1).toBytes();
        for (int cut : new int[] {1, TAG, 40 + TAG, stored.length - 10, stored.length - 1}) {
            byte[] shorter = Arrays.copyOf(stored, stored.length - cut);
            assertThrows(SealingException.class, () -> sealer.unseal(SealedBlob.parse(shorter), VERSION_1),
                    "cut " + cut);
        }
    }

    @Test
    void aBlobOpensOnlyForTheOwnerItWasSealedFor() {
        SealedBlob blob = seal("pkcs8".getBytes(StandardCharsets.UTF_8), AssociatedData.of("key-version", "ab", "1"));
        List<AssociatedData> others = List.of(
                AssociatedData.of("key-version", "1", "ab"),          // same parts, other order
                AssociatedData.of("key-version", "a", "b1"),          // boundary moved
                AssociatedData.keyVersion("other", 1),                // other key name
                AssociatedData.keyVersion("ab", 2),                   // other version
                AssociatedData.of("provider-credentials", "ab", "1")); // other domain
        for (AssociatedData other : others) {
            SealingException e = assertThrows(SealingException.class, () -> sealer.unseal(blob, other), other.toString());
            // The KEK binds the wrapped key to its owner, so the swap fails already at unwrapping.
            assertTrue(e.getMessage().contains("cannot unwrap"), e.getMessage());
        }
        try (SecretBytes opened = sealer.unseal(blob, AssociatedData.of("key-version", "ab", "1"))) {
            assertEquals("pkcs8", new String(opened.copyBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void contentIsBoundToTheOwnerEvenWhenTheKekIgnoresAssociatedData() {
        // Key Vault's RSA-OAEP wrapKey has no associated data: the content encryption must catch a swap alone.
        KeyEncryptionKey ignoresAad = new KeyEncryptionKey() {
            @Override
            public String id() {
                return kek.id();
            }

            @Override
            public byte[] wrap(SecretBytes dataKey, byte[] aad) {
                return kek.wrap(dataKey, new byte[0]);
            }

            @Override
            public SecretBytes unwrap(byte[] wrapped, byte[] aad) {
                return kek.unwrap(wrapped, new byte[0]);
            }
        };
        EnvelopeSealer oaepLike = new EnvelopeSealer(ignoresAad);
        SealedBlob blob;
        try (SecretBytes plaintext = SecretBytes.copyOf(new byte[] {7, 7, 7})) {
            blob = oaepLike.seal(plaintext, AssociatedData.keyVersion("demo", 1));
        }
        SealingException e = assertThrows(SealingException.class,
                () -> oaepLike.unseal(blob, AssociatedData.keyVersion("demo", 2)));
        assertTrue(e.getMessage().contains("failed authentication for AssociatedData[key-version, demo, 2]"), e.getMessage());
    }

    @Test
    void anotherKeyFileCannotOpenTheBlob() {
        SealedBlob blob = seal(new byte[] {1, 2, 3}, VERSION_1);
        try (LocalKeyFileKek other = LocalKeyFileKek.openOrCreate(dir.resolve("other.key"))) {
            assertNotEquals(kek.id(), other.id());
            SealingException e = assertThrows(SealingException.class,
                    () -> new EnvelopeSealer(other).unseal(blob, VERSION_1));
            assertTrue(e.getMessage().contains(kek.id()) && e.getMessage().contains(other.id()), e.getMessage());
            // And its key really differs: handed the data key directly, it fails authentication.
            SealingException direct = assertThrows(SealingException.class,
                    () -> other.unwrap(blob.wrappedDataKey(), VERSION_1.encoded()));
            assertTrue(direct.getMessage().contains("cannot unwrap"), direct.getMessage());
        }
    }

    @Test
    void blobsSealedUnderAnOlderKekStillOpenAfterRotation() {
        SealedBlob old = seal(new byte[] {4, 5, 6}, VERSION_1);
        try (LocalKeyFileKek next = LocalKeyFileKek.openOrCreate(dir.resolve("next.key"))) {
            EnvelopeSealer rotated = new EnvelopeSealer(next, KeyEncryptionKeyResolver.of(next, kek), RANDOM);
            try (SecretBytes opened = rotated.unseal(old, VERSION_1)) {
                assertArrayEquals(new byte[] {4, 5, 6}, opened.copyBytes());
            }
            try (SecretBytes plaintext = SecretBytes.copyOf(new byte[] {9})) {
                assertEquals(next.id(), rotated.seal(plaintext, VERSION_1).kekId());
            }
        }
    }

    @Test
    void dataKeysAreWipedAfterSealingAndUnsealing() {
        List<SecretBytes> wrappedKeys = new ArrayList<>();
        List<SecretBytes> unwrappedKeys = new ArrayList<>();
        KeyEncryptionKey recording = new KeyEncryptionKey() {
            @Override
            public String id() {
                return kek.id();
            }

            @Override
            public byte[] wrap(SecretBytes dataKey, byte[] aad) {
                wrappedKeys.add(dataKey);
                return kek.wrap(dataKey, aad);
            }

            @Override
            public SecretBytes unwrap(byte[] wrapped, byte[] aad) {
                SecretBytes dataKey = kek.unwrap(wrapped, aad);
                unwrappedKeys.add(dataKey);
                return dataKey;
            }
        };
        EnvelopeSealer recordingSealer = new EnvelopeSealer(recording);
        SealedBlob blob;
        try (SecretBytes plaintext = SecretBytes.copyOf(new byte[] {1})) {
            blob = recordingSealer.seal(plaintext, VERSION_1);
            assertFalse(plaintext.isWiped(), "the caller owns the plaintext");
        }
        recordingSealer.unseal(blob, VERSION_1).close();
        assertEquals(1, wrappedKeys.size());
        assertEquals(1, unwrappedKeys.size());
        assertTrue(wrappedKeys.get(0).isWiped());
        assertTrue(unwrappedKeys.get(0).isWiped());
    }

    @Test
    void aKekFailureBecomesASealingExceptionNamingTheKey() {
        KeyEncryptionKey unreachable = new KeyEncryptionKey() {
            @Override
            public String id() {
                return "https://v.vault.azure.net/keys/kek/1";
            }

            @Override
            public byte[] wrap(SecretBytes dataKey, byte[] aad) {
                throw new IllegalStateException("connection refused"); // a fault, as a network adapter would raise
            }

            @Override
            public SecretBytes unwrap(byte[] wrapped, byte[] aad) {
                throw new IllegalStateException("connection refused");
            }
        };
        try (SecretBytes plaintext = SecretBytes.copyOf(new byte[] {1})) {
            SealingException e = assertThrows(SealingException.class,
                    () -> new EnvelopeSealer(unreachable).seal(plaintext, VERSION_1));
            assertTrue(e.getMessage().contains("https://v.vault.azure.net/keys/kek/1"), e.getMessage());
            assertEquals("connection refused", e.getCause().getMessage());
        }
    }

    private SealedBlob seal(byte[] plaintext, AssociatedData ad) {
        try (SecretBytes secret = SecretBytes.copyOf(plaintext)) {
            return sealer.seal(secret, ad);
        }
    }

    /** Seals 24 bytes, so the blob ends with 12 nonce bytes, 24 ciphertext bytes and a 16-byte tag. */
    private void assertTamperingFails(Consumer<byte[]> tamper, String expectedMessagePart) {
        byte[] plaintext = new byte[24];
        Arrays.fill(plaintext, (byte) 0x5a);
        byte[] stored = seal(plaintext, VERSION_1).toBytes();
        tamper.accept(stored);
        SealingException e = assertThrows(SealingException.class,
                () -> sealer.unseal(SealedBlob.parse(stored), VERSION_1));
        assertTrue(e.getMessage().contains(expectedMessagePart), e.getMessage());
        assertFalse(e.getMessage().contains("5a5a") || e.getMessage().contains("ZZZZ"), "no plaintext in the message");
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
