package io.keymgmt.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SecretBytesTest {

    @Test
    void closeWipesTheHeldBytesAndRefusesFurtherReads() {
        byte[] source = {1, 2, 3, 4};
        SecretBytes secret = SecretBytes.adopt(source);
        secret.close();
        assertArrayEquals(new byte[4], source, "adopted array must be zeroed by close()");
        assertTrue(secret.isWiped());
        assertThrows(IllegalStateException.class, secret::copyBytes);
        assertThrows(IllegalStateException.class, () -> secret.read(b -> b.length));
    }

    @Test
    void copyOfDoesNotAliasTheCallersArray() {
        byte[] source = {9, 8, 7};
        try (SecretBytes secret = SecretBytes.copyOf(source)) {
            source[0] = 0;
            assertEquals((byte) 9, (byte) secret.read(b -> b[0]));
        }
        assertEquals(0, source[0]);
    }

    @Test
    void toStringRevealsNothing() {
        try (SecretBytes secret = SecretBytes.copyOf("hunter2-very-secret".getBytes())) {
            assertFalse(secret.toString().contains("hunter2"));
            assertFalse(secret.toString().contains("68756e74")); // hex of "hunt"
        }
    }

    @Test
    void contentEqualsComparesBytes() {
        try (SecretBytes a = SecretBytes.copyOf(new byte[] {1, 2});
             SecretBytes b = SecretBytes.copyOf(new byte[] {1, 2});
             SecretBytes c = SecretBytes.copyOf(new byte[] {1, 3});
             SecretBytes r = SecretBytes.random(32, new SecureRandom())) {
            assertTrue(a.contentEquals(b));
            assertFalse(a.contentEquals(c));
            assertEquals(32, r.length());
        }
    }
}
