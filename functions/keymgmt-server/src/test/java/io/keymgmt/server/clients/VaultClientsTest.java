package io.keymgmt.server.clients;

import io.keymgmt.server.LocalStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * Public Vault client libraries written by others drive the README's session against the API, with
 * every answer checked by the client program itself: hvac (Python, from PyPI) and HashiCorp's Go
 * client github.com/hashicorp/vault/api (what the vault CLI is built on), both pinned in
 * src/test/clients (see {@link VaultClientPrograms}).
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class VaultClientsTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void hvacDrivesTheSession() throws Exception {
        VaultClientPrograms.hvacSession(root.getPort(), LocalStackResource.TOKEN);
    }

    @Test
    void vaultGoClientDrivesTheSession() throws Exception {
        VaultClientPrograms.goSession(root.getPort(), LocalStackResource.TOKEN);
    }
}
