package io.keymgmt.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.http.routes.Route;
import io.keymgmt.http.routes.Routes;
import io.keymgmt.http.routes.Verb;
import io.keymgmt.http.routes.WorkflowAction;
import io.keymgmt.http.routes.WorkflowActions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The gateway's routing table (infra/modules/gateway-routes.json) against the code's catalog: every
 * method and path an app serves goes to that app, and nothing else is routed. LIST is left out: Azure
 * Functions cannot receive it, so Vault clients list with GET ?list=true, which is the GET route.
 */
class GatewayRoutesTest {

    private static final String MOUNT = "/v1/MOUNT/";

    @Test
    void theGatewayRoutesEveryRouteToTheAppThatServesIt() throws Exception {
        Set<String> expected = expected();
        Set<String> actual = actual();
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        Set<String> extra = new TreeSet<>(actual);
        extra.removeAll(expected);
        assertEquals(Set.of(), missing, "routes the code serves that the gateway does not route there");
        assertEquals(Set.of(), extra, "routes the gateway has that the code does not serve so");
    }

    @Test
    void everyPathParameterIsDeclaredAndEveryOperationNamedOnce() throws Exception {
        Set<String> names = new HashSet<>();
        for (JsonNode op : operations()) {
            assertTrue(names.add(op.get("name").asText()), "operation name used twice: " + op.get("name"));
            List<String> inTemplate = new ArrayList<>();
            Matcher m = Pattern.compile("\\{(\\w+)}").matcher(op.get("urlTemplate").asText());
            while (m.find()) {
                inTemplate.add(m.group(1));
            }
            List<String> declared = new ArrayList<>();
            op.get("parameters").forEach(p -> declared.add(p.asText()));
            assertEquals(inTemplate, declared, op.get("name") + ": template parameters");
        }
    }

    @Test
    void onlyHealthIsOpenWithoutAToken() throws Exception {
        List<String> open = new ArrayList<>();
        for (JsonNode op : operations()) {
            if (op.path("anonymous").asBoolean(false)) {
                open.add(op.get("method").asText() + " " + op.get("urlTemplate").asText());
            }
        }
        assertEquals(List.of("GET /v1/sys/health"), open);
    }

    @Test
    void eachOperationGoesToTheBackendOfItsAppAndEveryAppHasOne() {
        String gateway = Bicep.module("gateway").text;
        assertTrue(gateway.contains("set-backend-service backend-id=\"${route.app}\""), "operations do not pick their app's backend");
        assertTrue(gateway.contains("name: backend.id"), "backends are not named by app id");
        assertTrue(gateway.contains("loadJsonContent('gateway-routes.json')"), "the gateway does not deploy the tested table");
        String main = Bicep.main().text;
        assertTrue(main.contains("backends: [for (app, i) in functionApps: {") && main.contains("hostName: apps[i].outputs.defaultHostName"),
                "the gateway does not get one backend per app, at that app's host");
    }

    private static Set<String> expected() {
        Set<String> routes = new TreeSet<>();
        for (Route route : Routes.all()) {
            for (String method : route.verb().httpMethods()) {
                if (!method.equals("LIST")) {
                    routes.add(line(method, MOUNT + route.template(), route.app()));
                }
            }
        }
        for (WorkflowAction action : WorkflowActions.all()) {
            routes.add(line("POST", action.path(), action.app()));
        }
        // Polls go to an app that records operations; they share one table, so either answers any poll.
        assertTrue(WorkflowActions.OPERATION_APPS.contains(FunctionApp.KEY_DISTRIBUTION));
        routes.add(line("GET", WorkflowActions.OPERATIONS + "/{id}", FunctionApp.KEY_DISTRIBUTION));
        // Every app serves health; one is enough.
        routes.add(line("GET", "/v1/sys/health", FunctionApp.PROVIDER_CONFIGURATION));
        assertTrue(Verb.LIST.httpMethods().contains("GET"), "listing no longer has a GET form");
        return routes;
    }

    private static Set<String> actual() throws Exception {
        Set<String> routes = new TreeSet<>();
        for (JsonNode op : operations()) {
            String line = line(op.get("method").asText(), op.get("urlTemplate").asText(), FunctionApp.fromId(op.get("app").asText()));
            assertTrue(routes.add(line), "routed twice: " + line);
        }
        return routes;
    }

    private static String line(String method, String path, FunctionApp app) {
        // Path parameters by position: the gateway matches on the shape, not on the names.
        return method + " " + path.replaceAll("\\{\\w+}", "{}") + " -> " + app.id();
    }

    private static JsonNode operations() throws Exception {
        return new ObjectMapper().readTree(Repository.path("infra/modules/gateway-routes.json").toFile()).get("operations");
    }
}
