package io.keymgmt.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The emulator's TLS: a fresh CA, a 127.0.0.1/localhost server certificate it issued, TLS 1.2 and 1.3. */
class HttpsTest {

    private static KeyVaultEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = KeyVaultEmulator.start(TestDirectory.config("kv-tls").build());
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void servesACertificateForLoopbackIssuedByTheCa() throws Exception {
        X509Certificate ca = emulator.caCertificate();
        assertTrue(ca.getBasicConstraints() >= 0, "the CA certificate must be a CA");
        Duration validity = Duration.between(ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant());
        assertTrue(validity.compareTo(Duration.ofDays(1)) >= 0 && validity.compareTo(Duration.ofDays(365)) <= 0,
                validity.toString());

        for (URI endpoint : List.of(emulator.vaultUrl("kv-tls"), emulator.authorityHost())) {
            X509Certificate server = handshake(endpoint, "TLSv1.3").get(0);
            server.verify(ca.getPublicKey());
            assertEquals(ca.getSubjectX500Principal(), server.getIssuerX500Principal());
            Set<String> names = server.getSubjectAlternativeNames().stream().map(n -> n.get(0) + ":" + n.get(1))
                    .collect(Collectors.toSet());
            assertEquals(Set.of("7:127.0.0.1", "2:localhost"), names);
            assertTrue(server.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
        }
    }

    @Test
    void negotiatesTls12AndTls13() throws Exception {
        assertEquals("TLSv1.2", protocol(emulator.vaultUrl("kv-tls"), "TLSv1.2"));
        assertEquals("TLSv1.3", protocol(emulator.vaultUrl("kv-tls"), "TLSv1.3"));
    }

    @Test
    void aClientThatDoesNotTrustTheCaIsRefused() throws Exception {
        SSLContext defaults = SSLContext.getDefault();
        URI vault = emulator.vaultUrl("kv-tls");
        assertThrows(SSLHandshakeException.class, () -> {
            try (SSLSocket socket = (SSLSocket) defaults.getSocketFactory().createSocket(vault.getHost(),
                    vault.getPort())) {
                socket.startHandshake();
            }
        });
    }

    private static List<X509Certificate> handshake(URI endpoint, String protocol) throws Exception {
        try (SSLSocket socket = socket(endpoint, protocol)) {
            return java.util.Arrays.stream(socket.getSession().getPeerCertificates())
                    .map(c -> (X509Certificate) c).toList();
        }
    }

    private static String protocol(URI endpoint, String protocol) throws Exception {
        try (SSLSocket socket = socket(endpoint, protocol)) {
            return socket.getSession().getProtocol();
        }
    }

    private static SSLSocket socket(URI endpoint, String protocol) throws Exception {
        SSLContext context = SdkClients.trusting(emulator.caCertificatePem());
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(endpoint.getHost(), endpoint.getPort());
        socket.setEnabledProtocols(new String[] {protocol});
        var parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }
}
