package io.keymgmt.keys;

import static io.keymgmt.keys.KeyPurpose.DECRYPT;
import static io.keymgmt.keys.KeyPurpose.ENCRYPT;
import static io.keymgmt.keys.KeyPurpose.SIGN;
import static io.keymgmt.keys.KeyPurpose.UNWRAP;
import static io.keymgmt.keys.KeyPurpose.VERIFY;
import static io.keymgmt.keys.KeyPurpose.WRAP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyPurposeTest {

    private static final String VALID = "valid purposes are encrypt, decrypt, sign, verify, wrap, unwrap";

    @Test
    void wireNamesAndAzureKeyOperations() {
        assertEquals(List.of("encrypt", "decrypt", "sign", "verify", "wrap", "unwrap"),
                Arrays.stream(KeyPurpose.values()).map(KeyPurpose::wireName).collect(java.util.stream.Collectors.toList()));
        assertEquals("encrypt", ENCRYPT.azureKeyOperation());
        assertEquals("decrypt", DECRYPT.azureKeyOperation());
        assertEquals("sign", SIGN.azureKeyOperation());
        assertEquals("verify", VERIFY.azureKeyOperation());
        assertEquals("wrapKey", WRAP.azureKeyOperation());
        assertEquals("unwrapKey", UNWRAP.azureKeyOperation());
    }

    @Test
    void commaStringKeepsFirstMentionOrderAndCollapsesDuplicates() {
        assertEquals(List.of(ENCRYPT, DECRYPT), new ArrayList<>(KeyPurpose.parseCommaSeparated("encrypt, decrypt")));
        assertEquals(List.of(UNWRAP, ENCRYPT, WRAP),
                new ArrayList<>(KeyPurpose.parseCommaSeparated("unwrap,encrypt , unwrap,wrap,encrypt")));
        assertEquals(List.of(SIGN), new ArrayList<>(KeyPurpose.parseCommaSeparated("sign,")));
        assertEquals(Set.of(KeyPurpose.values()),
                KeyPurpose.parseCommaSeparated("encrypt,decrypt,sign,verify,wrap,unwrap"));
    }

    @Test
    void listFormParsesTheSameWay() {
        Set<KeyPurpose> parsed = KeyPurpose.parseList(List.of("wrap", " unwrap ", "wrap"));
        assertEquals(List.of(WRAP, UNWRAP), new ArrayList<>(parsed));
        assertEquals(List.of("wrapKey", "unwrapKey"), KeyPurpose.azureKeyOperations(parsed));
        assertEquals("wrap,unwrap", KeyPurpose.toCommaSeparated(parsed));
    }

    @Test
    void emptyIsRefused() {
        for (String empty : new String[] {"", " ", ",", " , ", null}) {
            assertEquals("at least one purpose is required; " + VALID,
                    assertThrows(IllegalArgumentException.class, () -> KeyPurpose.parseCommaSeparated(empty)).getMessage());
        }
        assertEquals("at least one purpose is required; " + VALID,
                assertThrows(IllegalArgumentException.class, () -> KeyPurpose.parseList(List.of())).getMessage());
    }

    @Test
    void unknownIsRefusedWithTheValidOnes() {
        assertEquals("unknown purpose \"wrapkey\"; " + VALID,
                assertThrows(IllegalArgumentException.class, () -> KeyPurpose.parseCommaSeparated("encrypt,wrapkey"))
                        .getMessage());
        assertEquals("unknown purpose \"Encrypt\"; " + VALID,
                assertThrows(IllegalArgumentException.class, () -> KeyPurpose.parseList(List.of("Encrypt"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> KeyPurpose.parseList(Arrays.asList("encrypt", null)));
    }

    @Test
    void parsedSetsCannotBeChangedAfterwards() {
        Set<KeyPurpose> parsed = KeyPurpose.parseCommaSeparated("encrypt");
        assertThrows(UnsupportedOperationException.class, () -> parsed.add(DECRYPT));
    }
}
