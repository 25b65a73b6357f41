package io.keymgmt.http.help;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.keymgmt.engine.KeyManagementException;
import io.keymgmt.engine.Names;
import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.http.routes.Gates;
import io.keymgmt.http.routes.Route;
import io.keymgmt.http.routes.Routes;
import jakarta.ws.rs.core.Response;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The help {@code vault path-help} prints, in Vault's layout, for the paths a process serves. */
class PathHelpTest {

    private static final PathHelp AGGREGATE = new PathHelp(EnumSet.allOf(FunctionApp.class), "the aggregate server",
            "1.0");

    @Test
    void aPathsHelpIsVaultsTemplateFilledFromTheCatalog() {
        JsonNode body = Gates.body(ok(AGGREGATE.answer(List.of("key", "payments", "rotate"), "key/payments/rotate")));
        assertEquals("""
                Request:        key/payments/rotate
                Matching Route: ^key/(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)/rotate$

                Rotate a key.

                ## PARAMETERS

                    name (string)

                        Name of the key.

                ## DESCRIPTION

                Creates a new version of the key with new key material and imports it into every vault the key is \
                distributed to, where it becomes the current version.

                This path responds to the following HTTP methods.

                    POST (or PUT)
                        Rotate a key: add a version and import it into every vault the key is in.""",
                body.get("help").asText());
        assertTrue(body.get("see_also").isNull());
        assertEquals(List.of("help", "see_also", "openapi"), List.copyOf(iterable(body.fieldNames())));
        // The OpenAPI part is the path's, below the mount, as a Vault backend gives it.
        assertEquals(List.of("/key/{name}/rotate"), List.copyOf(iterable(body.get("openapi").get("paths").fieldNames())));
    }

    @Test
    void everyParameterOfThePathIsListedWithItsVaultType() {
        String help = Gates.body(ok(AGGREGATE.answer(List.of("kms", "p"), "kms/p"))).get("help").asText();
        assertTrue(help.contains("## PARAMETERS\n\n    credentials (keypair)\n\n        tenant_id (required"), help);
        assertTrue(help.contains("\n    key_collection (string)\n\n        The name of the Azure Key Vault."), help);
        assertTrue(help.contains("\n    name (string)\n\n        Name of the KMS provider.\n"), help);
        assertTrue(help.contains("\n    provider (string)\n"), help);
        String distribute = Gates.body(ok(AGGREGATE.answer(List.of("kms", "p", "key", "k"), "kms/p/key/k")))
                .get("help").asText();
        assertTrue(distribute.contains("\n    purpose (slice)\n"), distribute);
        assertTrue(distribute.contains("\n    protection (string)\n"), distribute);
        String key = Gates.body(ok(AGGREGATE.answer(List.of("key", "k"), "key/k"))).get("help").asText();
        for (String field : List.of("deletion_allowed (bool)", "min_enabled_version (int)", "name (string)",
                "type (string)")) {
            assertTrue(key.contains("\n    " + field + "\n"), field);
        }
        assertTrue(key.indexOf("deletion_allowed") < key.indexOf("min_enabled_version")
                && key.indexOf("min_enabled_version") < key.indexOf("    name (") && key.indexOf("    name (")
                < key.indexOf("    type ("), "alphabetical, as Vault sorts fields");
    }

    @Test
    void listPathsMatchWithATrailingSlash() {
        String help = Gates.body(ok(AGGREGATE.answer(List.of("key", "k", "kms"), "key/k/kms/"))).get("help").asText();
        assertTrue(help.startsWith("Request:        key/k/kms/\nMatching Route: ^key/(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)"
                + "/kms/?$\n\nList the KMS providers a key is distributed to.\n\n## PARAMETERS\n"), help);
        assertTrue(help.contains("    LIST (or GET with ?list=true)\n        List the KMS providers a key is distributed to."),
                help);
    }

    @Test
    void theMountsHelpListsThePathsThisProcessServes() {
        JsonNode all = Gates.body(ok(AGGREGATE.answer(List.of(), "")));
        String help = all.get("help").asText();
        assertTrue(help.startsWith("## DESCRIPTION\n\nThe Key Management secrets engine for Azure Key Vault."), help);
        assertTrue(help.contains("\n## PATHS\n\nThe following paths are supported by this backend."), help);
        assertTrue(help.contains("\n    ^kms/?$\n        List the KMS providers."), help);
        assertEquals(8, all.get("openapi").get("paths").size());
        PathHelp deletion = new PathHelp(Set.of(FunctionApp.DELETION), "keymgmt-deletion", "1.0");
        JsonNode own = Gates.body(ok(deletion.answer(List.of(), "")));
        assertFalse(own.get("help").asText().contains("^kms/?$"), "the deletion app does not list providers");
        assertEquals(Set.of("/key/{name}", "/kms/{name}", "/kms/{name}/key/{key_name}"),
                Set.copyOf(List.copyOf(iterable(own.get("openapi").get("paths").fieldNames()))));
    }

    @Test
    void aFunctionAppsHelpSaysWhoServesTheRestOfThePath() {
        PathHelp deletion = new PathHelp(Set.of(FunctionApp.DELETION), "keymgmt-deletion", "1.0");
        JsonNode body = Gates.body(ok(deletion.answer(List.of("key", "k"), "key/k")));
        String help = body.get("help").asText();
        assertTrue(help.contains("    GET\n        Read a key: its settings and the public key of every enabled version.\n"
                + "        Served by the keymgmt-key-distribution function app, not by this one."), help);
        assertTrue(help.endsWith("    DELETE\n        Delete a key that allows deletion and is in no vault."), help);
        // Its OpenAPI part has only what it serves.
        JsonNode item = body.get("openapi").get("paths").get("/key/{name}");
        assertEquals(List.of("description", "parameters", "delete"), List.copyOf(iterable(item.fieldNames())));
    }

    @Test
    void unknownPathsAndPathsOfOtherAppsAreVaultsNotFound() {
        assertError(AGGREGATE.answer(List.of("nothing"), "nothing"), "unsupported path");
        assertError(AGGREGATE.answer(List.of("key", "k", "nothing"), "key/k/nothing"), "unsupported path");
        assertError(new PathHelp(Set.of(FunctionApp.ROTATION), "keymgmt-rotation", "1").answer(List.of("kms"), "kms"),
                "unsupported path: keymgmt-rotation serves nothing on kms; the keymgmt-provider-configuration function "
                        + "app does");
    }

    @Test
    void theNamePatternIsTheEnginesNameRule() {
        Pattern pattern = Pattern.compile(HelpText.NAME_PATTERN);
        for (String name : List.of("payments", "a", "A-1", "k.v_2", "9", "a-", "x.", "-a", "_a", ".a", "a b", "a/b",
                "ä", "a!", "a..b")) {
            assertEquals(accepted(name), pattern.matcher(name).matches(), name);
        }
        for (Route route : Routes.all()) {
            // Go's named groups, which Java spells otherwise, as plain groups.
            assertTrue(Pattern.compile(HelpText.pattern(Routes.path(route.template()), List.of(route))
                    .replaceAll("\\(\\?P<\\w+>", "(")).matcher(route.template().replace("{name}", "p").replace("{key_name}", "k"))
                    .matches(), route.toString());
        }
    }

    private static boolean accepted(String name) {
        try {
            Names.requireKeyName(name);
            Names.requireProviderName(name);
            return true;
        } catch (KeyManagementException e) {
            return false;
        }
    }

    private static Response ok(Response response) {
        assertEquals(200, response.getStatus(), String.valueOf(response.getEntity()));
        assertEquals("application/json", response.getMediaType().toString());
        return response;
    }

    private static void assertError(Response response, String message) {
        assertEquals(404, response.getStatus());
        assertEquals(List.of(message), List.copyOf(iterable(Gates.body(response).get("errors").elements()))
                .stream().map(JsonNode::asText).toList());
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> list = new java.util.ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }
}
