package io.keymgmt.transport;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The one HTTP client every Azure call of a process goes through: Key Vault, Entra ID, managed
 * identity and Table Storage. It trusts the JDK's default authorities plus, optionally, extra ones
 * from a PEM file (a corporate TLS proxy, or the local Key Vault emulator's CA); that file is the only
 * thing that differs between the local stack and Azure.
 */
public final class AzureHttpClients {

    private AzureHttpClients() {
    }

    public static HttpClient create(Optional<Path> extraTrustedCertificates) {
        java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                // Azurite speaks plain HTTP/1.1 and some proxies mishandle h2c upgrades.
                .version(java.net.http.HttpClient.Version.HTTP_1_1);
        if (extraTrustedCertificates.isPresent()) {
            jdk.sslContext(sslContextTrusting(extraTrustedCertificates.get()));
        }
        return new JdkHttpClientBuilder(jdk).build();
    }

    /** An SSLContext trusting the JDK's default authorities and the certificates in {@code pemFile}. */
    public static SSLContext sslContextTrusting(Path pemFile) {
        try {
            List<X509Certificate> extra = readCertificates(pemFile);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < extra.size(); i++) {
                store.setCertificateEntry("extra-" + i, extra.get(i));
            }
            X509TrustManager defaults = trustManager((KeyStore) null);
            X509TrustManager additional = trustManager(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new EitherTrustManager(defaults, additional)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build TLS trust from " + pemFile + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trusted certificates from " + pemFile, e);
        }
    }

    private static List<X509Certificate> readCertificates(Path pemFile) throws IOException, CertificateException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        try (InputStream in = Files.newInputStream(pemFile)) {
            Collection<? extends java.security.cert.Certificate> certificates = factory.generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new CertificateException("no certificate in " + pemFile);
            }
            List<X509Certificate> result = new ArrayList<>();
            for (java.security.cert.Certificate c : certificates) {
                result.add((X509Certificate) c);
            }
            return result;
        }
    }

    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return Arrays.stream(factory.getTrustManagers())
                .filter(X509TrustManager.class::isInstance).map(X509TrustManager.class::cast)
                .findFirst().orElseThrow(() -> new GeneralSecurityException("no X509TrustManager"));
    }

    /** Accepts a server chain that either trust manager accepts. */
    private static final class EitherTrustManager implements X509TrustManager {

        private final X509TrustManager first;
        private final X509TrustManager second;

        EitherTrustManager(X509TrustManager first, X509TrustManager second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            first.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                first.checkServerTrusted(chain, authType);
            } catch (CertificateException notByDefaults) {
                second.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            X509Certificate[] a = first.getAcceptedIssuers();
            X509Certificate[] b = second.getAcceptedIssuers();
            X509Certificate[] all = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }
    }
}
