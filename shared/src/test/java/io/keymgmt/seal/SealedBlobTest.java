package io.keymgmt.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SealedBlobTest {

    private static final byte[] WRAPPED = {1, 2, 3};
    private static final byte[] NONCE = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    private static final byte[] CIPHERTEXT = new byte[20];

    @Test
    void writesTheDocumentedLayout() {
        byte[] ciphertext = new byte[20];
        Arrays.fill(ciphertext, (byte) 0xee);
        SealedBlob blob = SealedBlob.assemble("local:ab", WRAPPED, NONCE, ciphertext);
        String expected = "4b4d5342" + "01" // "KMSB", version 1
                + "0008" + HexFormat.of().formatHex("local:ab".getBytes())
                + "0003" + "010203"
                + "000102030405060708090a0b"
                + "ee".repeat(20);
        assertEquals(expected, HexFormat.of().formatHex(blob.toBytes()));
    }

    @Test
    void parseReadsBackWhatWasWritten() {
        SealedBlob blob = SealedBlob.assemble("https://v.vault.azure.net/keys/kek/0123", WRAPPED, NONCE, CIPHERTEXT);
        SealedBlob parsed = SealedBlob.parse(blob.toBytes());
        assertEquals("https://v.vault.azure.net/keys/kek/0123", parsed.kekId());
        assertArrayEquals(WRAPPED, parsed.wrappedDataKey());
        assertArrayEquals(NONCE, parsed.nonce());
        assertArrayEquals(CIPHERTEXT, parsed.ciphertext());
        assertEquals(1, parsed.formatVersion());
        assertArrayEquals(blob.toBytes(), parsed.toBytes());
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] full = SealedBlob.assemble("local:ab", WRAPPED, NONCE, CIPHERTEXT).toBytes();
        // The ciphertext may shrink down to its tag; anything shorter is truncated.
        int shortest = full.length - CIPHERTEXT.length + SealedBlob.TAG_LENGTH;
        for (int length = 0; length < shortest; length++) {
            byte[] cut = Arrays.copyOf(full, length);
            SealingException e = assertThrows(SealingException.class, () -> SealedBlob.parse(cut), "length " + length);
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("magic"),
                    length + ": " + e.getMessage());
        }
    }

    @Test
    void wrongMagicAndUnknownVersionsAreRefused() {
        byte[] full = SealedBlob.assemble("local:ab", WRAPPED, NONCE, CIPHERTEXT).toBytes();
        byte[] magic = full.clone();
        magic[0] = 'X';
        assertTrue(assertThrows(SealingException.class, () -> SealedBlob.parse(magic)).getMessage().contains("magic"));
        byte[] version = full.clone();
        version[4] = 2;
        SealingException e = assertThrows(SealingException.class, () -> SealedBlob.parse(version));
        assertTrue(e.getMessage().contains("format version 2"), e.getMessage());
    }

    @Test
    void emptyKekIdAndInvalidUtf8AreRefused() {
        byte[] full = SealedBlob.assemble("local:ab", WRAPPED, NONCE, CIPHERTEXT).toBytes();
        byte[] badUtf8 = full.clone();
        badUtf8[7] = (byte) 0xff;
        assertThrows(SealingException.class, () -> SealedBlob.parse(badUtf8));
        assertThrows(SealingException.class, () -> SealedBlob.assemble("", WRAPPED, NONCE, CIPHERTEXT));
        assertThrows(SealingException.class, () -> SealedBlob.assemble("k", new byte[0], NONCE, CIPHERTEXT));
    }

    @Test
    void blobsLargerThan64KiBAreRefusedBothWays() {
        byte[] huge = new byte[SealedBlob.MAX_ENCODED_LENGTH];
        SealingException e = assertThrows(SealingException.class,
                () -> SealedBlob.assemble("local:ab", WRAPPED, NONCE, huge));
        assertTrue(e.getMessage().contains("65536"), e.getMessage());
        assertThrows(SealingException.class, () -> SealedBlob.parse(new byte[SealedBlob.MAX_ENCODED_LENGTH + 1]));
    }

    @Test
    void accessorsHandOutCopies() {
        SealedBlob blob = SealedBlob.assemble("local:ab", WRAPPED, NONCE, CIPHERTEXT);
        blob.nonce()[0] = 99;
        blob.ciphertext()[0] = 99;
        blob.wrappedDataKey()[0] = 99;
        assertArrayEquals(NONCE, blob.nonce());
        assertArrayEquals(WRAPPED, blob.wrappedDataKey());
        assertArrayEquals(CIPHERTEXT, blob.ciphertext());
    }
}
