package io.keymgmt.emulator;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.security.keyvault.keys.KeyClient;
import com.azure.security.keyvault.keys.KeyClientBuilder;
import com.azure.security.keyvault.keys.cryptography.CryptographyClient;
import com.azure.security.keyvault.keys.cryptography.CryptographyClientBuilder;

/**
 * The unmodified Azure SDK pointed at an emulator: only the endpoint, the trust (the emulator's CA
 * PEM, read with the plain JDK) and challenge-resource verification differ from production.
 */
final class SdkClients {

    private SdkClients() {
    }

    /**
     * The Key Vault error message inside an SDK exception, unescaped. The SDK's exception message is
     * {@code Status code N, "<reply body>"}.
     */
    static String errorMessage(com.azure.core.exception.HttpResponseException e) {
        String text = e.getMessage();
        int start = text.indexOf('"');
        int end = text.lastIndexOf('"');
        try {
            return RestCalls.JSON.readTree(text.substring(start + 1, end)).path("error").path("message").asText();
        } catch (Exception notJson) {
            throw new AssertionError("no Key Vault error body in: " + text, notJson);
        }
    }

    static SSLContext trusting(String caPem) {
        try {
            Certificate ca = CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)));
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("emulator-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpClient httpClient(KeyVaultEmulator emulator) {
        return new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder()
                .sslContext(trusting(emulator.caCertificatePem()))).build();
    }

    static TokenCredential clientSecret(KeyVaultEmulator emulator, String clientId, String secret) {
        return new ClientSecretCredentialBuilder()
                .tenantId(emulator.tenantId())
                .clientId(clientId)
                .clientSecret(secret)
                .authorityHost(emulator.authorityHost().toString())
                .disableInstanceDiscovery()
                .httpClient(httpClient(emulator))
                .build();
    }

    static KeyClient keyClient(KeyVaultEmulator emulator, String vault, TokenCredential credential) {
        return new KeyClientBuilder()
                .vaultUrl(emulator.vaultUrl(vault).toString())
                .credential(credential)
                .httpClient(httpClient(emulator))
                .disableChallengeResourceVerification()
                .buildClient();
    }

    static KeyClient keyClient(KeyVaultEmulator emulator, String vault, String clientId, String secret) {
        return keyClient(emulator, vault, clientSecret(emulator, clientId, secret));
    }

    static CryptographyClient cryptographyClient(KeyVaultEmulator emulator, String keyId, String clientId,
            String secret) {
        return new CryptographyClientBuilder()
                .keyIdentifier(keyId)
                .credential(clientSecret(emulator, clientId, secret))
                .httpClient(httpClient(emulator))
                .disableChallengeResourceVerification()
                .buildClient();
    }
}
