package io.keymgmt.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class AssociatedDataTest {

    @Test
    void encodingIsTheDomainThenEachPartAsLengthPrefixedUtf8() {
        AssociatedData ad = AssociatedData.keyVersion("démo", 12);
        // "key-version" (11 bytes), "démo" (5 bytes: é is two), "12" (2 bytes)
        String expected = "0000000b" + HexFormat.of().formatHex("key-version".getBytes())
                + "00000005" + "64c3a96d6f"
                + "00000002" + "3132";
        assertEquals(expected, HexFormat.of().formatHex(ad.encoded()));
        assertEquals("key-version", ad.domain());
        assertEquals(List.of("démo", "12"), ad.parts());
    }

    @Test
    void movingABoundaryBetweenPartsChangesTheEncoding() {
        AssociatedData ab = AssociatedData.of("d", "ab", "c");
        AssociatedData bc = AssociatedData.of("d", "a", "bc");
        assertNotEquals(HexFormat.of().formatHex(ab.encoded()), HexFormat.of().formatHex(bc.encoded()));
        assertNotEquals(ab, bc);
        assertNotEquals(AssociatedData.of("d", "", "x"), AssociatedData.of("d", "x"));
        assertNotEquals(AssociatedData.of("d", "x"), AssociatedData.of("dx"));
    }

    @Test
    void ownersOfDifferentKindsNeverEncodeAlike() {
        assertNotEquals(AssociatedData.keyVersion("demo", 1), AssociatedData.of("provider-credentials", "demo", "1"));
        assertNotEquals(AssociatedData.keyVersion("demo", 1), AssociatedData.keyVersion("demo", 2));
        assertNotEquals(AssociatedData.keyVersion("demo", 1), AssociatedData.keyVersion("demo2", 1));
        assertEquals(AssociatedData.providerCredentials("azure-west"),
                AssociatedData.of(AssociatedData.PROVIDER_CREDENTIALS, "azure-west"));
        assertEquals(AssociatedData.keyVersion("k", 3).hashCode(), AssociatedData.of("key-version", "k", "3").hashCode());
    }

    @Test
    void encodedReturnsACopy() {
        AssociatedData ad = AssociatedData.providerCredentials("p");
        byte[] first = ad.encoded();
        first[0] = 42;
        assertArrayEquals(AssociatedData.providerCredentials("p").encoded(), ad.encoded());
    }

    @Test
    void refusesTextThatIsNotValidUnicodeInsteadOfReplacingIt() {
        // getBytes(UTF_8) would turn the lone surrogate into '?', colliding with the literal "a?".
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AssociatedData.of("key-version", "a\uD800"));
        assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());
    }

    @Test
    void refusesBlankDomainsNamesAndVersionsBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> AssociatedData.of(" "));
        assertThrows(IllegalArgumentException.class, () -> AssociatedData.keyVersion("", 1));
        assertThrows(IllegalArgumentException.class, () -> AssociatedData.providerCredentials(" "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AssociatedData.keyVersion("demo", 0));
        assertTrue(e.getMessage().contains("start at 1"), e.getMessage());
    }
}
