package io.keymgmt.engine;

import static io.keymgmt.engine.EngineFixture.assertFault;
import static io.keymgmt.engine.EngineFixture.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Vault's weak typing of request values, as the vault CLI (all strings), Terraform and curl (JSON
 * types) and Logic Apps send them; a value that cannot be read is refused naming the parameter.
 */
class ParametersTest {

    private static Parameters one(String name, Object value) {
        Map<String, Object> values = new HashMap<>();
        values.put(name, value);
        return Parameters.of(values);
    }

    static Stream<Arguments> integers() {
        return Stream.of(Arguments.of(2, 2), Arguments.of(2L, 2), Arguments.of((short) 2, 2), Arguments.of((byte) 2, 2),
                Arguments.of(BigInteger.TWO, 2), Arguments.of("2", 2), Arguments.of(" 2 ", 2), Arguments.of("-3", -3),
                Arguments.of("0", 0), Arguments.of(Integer.MAX_VALUE, Integer.MAX_VALUE),
                Arguments.of(Long.valueOf(Integer.MIN_VALUE), Integer.MIN_VALUE));
    }

    @ParameterizedTest
    @MethodSource("integers")
    void integersAreTakenAsNumbersOrAsTheirText(Object given, int expected) {
        assertEquals(Optional.of(expected), one("min_enabled_version", given).integer("min_enabled_version"));
    }

    static Stream<Arguments> notIntegers() {
        return Stream.of(Arguments.of("two", "\"two\""), Arguments.of(2.5, "2.5"), Arguments.of(2.0, "2.0"),
                Arguments.of(new BigDecimal("2"), "2"), Arguments.of(true, "true"), Arguments.of("", "\"\""),
                Arguments.of(List.of(1), "[1]"), Arguments.of("2147483648", "\"2147483648\""),
                Arguments.of(2147483648L, "2147483648"), Arguments.of(BigInteger.TWO.pow(40), "1099511627776"));
    }

    @ParameterizedTest
    @MethodSource("notIntegers")
    void anythingElseIsRefusedAsAnIntegerNamingTheParameter(Object given, String shown) {
        KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                () -> one("min_enabled_version", given).integer("min_enabled_version"));

        assertEquals("min_enabled_version must be an integer, got " + shown, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "t", "T", "true", "TRUE", "True", " true "})
    void trueAsGoParsesIt(String given) {
        assertEquals(Optional.of(true), one("deletion_allowed", given).bool("deletion_allowed"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "f", "F", "false", "FALSE", "False"})
    void falseAsGoParsesIt(String given) {
        assertEquals(Optional.of(false), one("deletion_allowed", given).bool("deletion_allowed"));
    }

    @Test
    void booleansAndZeroOrOneAreTaken() {
        assertEquals(Optional.of(true), one("b", true).bool("b"));
        assertEquals(Optional.of(false), one("b", false).bool("b"));
        assertEquals(Optional.of(true), one("b", 1).bool("b"));
        assertEquals(Optional.of(false), one("b", 0L).bool("b"));
    }

    @Test
    void otherBooleansAreRefusedNamingTheParameter() {
        for (Object given : new Object[] {"yes", "on", "tRUE", 2, 1.0, List.of(true)}) {
            KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                    () -> one("deletion_allowed", given).bool("deletion_allowed"));
            assertTrue(e.getMessage().startsWith("deletion_allowed must be a boolean (true or false), got "),
                    e.getMessage());
        }
    }

    @Test
    void textTakesStringsNumbersAndBooleansAsVaultDoes() {
        assertEquals(Optional.of("rsa-2048"), one("type", "rsa-2048").text("type"));
        assertEquals(Optional.of("2048"), one("type", 2048).text("type"));
        assertEquals(Optional.of("true"), one("type", true).text("type"));
        assertEquals(Optional.of("2.5"), one("type", 2.50).text("type"));
        assertEquals(Optional.of("100"), one("type", 1e2).text("type"));
    }

    @Test
    void textRefusesListsAndObjects() {
        assertEquals("type must be a string, got a list", assertFault(Fault.INVALID_REQUEST,
                () -> one("type", List.of("rsa-2048")).text("type")).getMessage());
        assertEquals("type must be a string, got an object", assertFault(Fault.INVALID_REQUEST,
                () -> one("type", map("a", "b")).text("type")).getMessage());
    }

    @Test
    void listsAreACommaStringAListOrAListOfCommaStrings() {
        assertEquals(Optional.of(List.of("encrypt", "decrypt")), one("purpose", "encrypt, decrypt").commaList("purpose"));
        assertEquals(Optional.of(List.of("encrypt", "decrypt")),
                one("purpose", List.of("encrypt", "decrypt")).commaList("purpose"));
        assertEquals(Optional.of(List.of("encrypt", "decrypt", "sign")),
                one("purpose", List.of("encrypt,decrypt", " sign ")).commaList("purpose"));
        assertEquals(Optional.of(List.of("encrypt")), one("purpose", "encrypt,,").commaList("purpose"));
        assertEquals(Optional.of(List.of()), one("purpose", "").commaList("purpose"));
    }

    @Test
    void listsOfOtherThingsAreRefused() {
        assertEquals("purpose must be a list of strings, got [1, 2]", assertFault(Fault.INVALID_REQUEST,
                () -> one("purpose", List.of(1, 2)).commaList("purpose")).getMessage());
        assertEquals("purpose must be a string or a list of strings, got a number", assertFault(Fault.INVALID_REQUEST,
                () -> one("purpose", 5).commaList("purpose")).getMessage());
        assertEquals("purpose must be a string or a list of strings, got a boolean", assertFault(Fault.INVALID_REQUEST,
                () -> one("purpose", true).commaList("purpose")).getMessage());
    }

    @Test
    void keyValuePairsAreAnObjectAListOfPairsOrOnePair() {
        assertEquals(Optional.of(Map.of("client_id", "a", "tenant_id", "t")),
                one("credentials", map("client_id", "a", "tenant_id", "t")).keyValuePairs("credentials"));
        assertEquals(Optional.of(Map.of("client_id", "a", "client_secret", "x=y==")),
                one("credentials", List.of("client_id=a", "client_secret=x=y==")).keyValuePairs("credentials"));
        assertEquals(Optional.of(Map.of("client_id", "")), one("credentials", "client_id=").keyValuePairs("credentials"));
    }

    @Test
    void malformedKeyValuePairsAreRefusedWithoutShowingTheirValues() {
        assertEquals("credentials must be an object or a list of \"key=value\" strings", assertFault(
                Fault.INVALID_REQUEST, () -> one("credentials", List.of("=secret")).keyValuePairs("credentials"))
                .getMessage());
        assertEquals("credentials must be an object or a list of \"key=value\" strings", assertFault(
                Fault.INVALID_REQUEST, () -> one("credentials", "no-equals-sign").keyValuePairs("credentials"))
                .getMessage());
        assertEquals("credentials must be an object or a list of \"key=value\" strings", assertFault(
                Fault.INVALID_REQUEST, () -> one("credentials", 7).keyValuePairs("credentials")).getMessage());
        assertEquals("credentials.client_secret must be a string", assertFault(Fault.INVALID_REQUEST,
                () -> one("credentials", map("client_secret", 12345)).keyValuePairs("credentials")).getMessage());
        assertEquals("credentials gives client_id twice", assertFault(Fault.INVALID_REQUEST,
                () -> one("credentials", List.of("client_id=a", "client_id=b")).keyValuePairs("credentials"))
                .getMessage());
    }

    @Test
    void nullIsAbsent() {
        Parameters p = one("min_enabled_version", null);

        assertEquals(Optional.empty(), p.integer("min_enabled_version"));
        assertEquals(List.of(), p.warnings(), "read, so not ignored");
    }

    @Test
    void warningsNameWhatTheOperationDidNotReadInOrder() {
        Parameters p = Parameters.of(map("zeta", 1, "type", "rsa-2048", "alpha", null));
        p.text("type");
        p.integer("min_enabled_version");

        assertEquals(List.of("Endpoint ignored these unrecognized parameters: [alpha, zeta]"), p.warnings());
    }

    @Test
    void noParametersNoWarnings() {
        assertEquals(List.of(), Parameters.none().warnings());
        assertEquals(Optional.empty(), Parameters.none().bool("deletion_allowed"));
    }

    @Test
    void longValuesAreCutInMessages() {
        KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                () -> one("min_enabled_version", "9".repeat(100) + "x").integer("min_enabled_version"));

        assertEquals("min_enabled_version must be an integer, got \"" + "9".repeat(60) + "...", e.getMessage());
    }
}
