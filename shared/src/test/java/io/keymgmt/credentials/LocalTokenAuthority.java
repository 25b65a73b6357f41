package io.keymgmt.credentials;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An Entra ID token endpoint on 127.0.0.1 over HTTPS, with a certificate made by the JDK's keytool.
 * It answers every POST to {@code /<tenant>/oauth2/v2.0/token} with a fixed access token and
 * records every request it sees.
 */
final class LocalTokenAuthority implements AutoCloseable {

    static final String ACCESS_TOKEN = "local-access-token-for-tests";
    private static final char[] PASSWORD = "changeit".toCharArray();

    /** One request as the authority saw it. */
    record Request(String method, String path, Map<String, String> form) {
    }

    private final HttpsServer server;
    private final SSLContext clientContext;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    LocalTokenAuthority(Path workDir) throws Exception {
        KeyStore keyStore = generateKeyStore(workDir);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, PASSWORD);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keys.getKeyManagers(), null, null);

        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        Certificate certificate = keyStore.getCertificate("authority");
        trust.setCertificateEntry("authority", certificate);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, trustManagers.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code https://127.0.0.1:<port>/}. */
    String authorityHost() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** Trusts this authority's certificate only. */
    SSLContext clientSslContext() {
        return clientContext;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests after the first {@code count}. */
    List<Request> requestsSince(int count) {
        List<Request> all = requests();
        return all.subList(count, all.size());
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String path = exchange.getRequestURI().getPath();
            requests.add(new Request(exchange.getRequestMethod(), path, parseForm(body)));
            if ("POST".equals(exchange.getRequestMethod()) && path.endsWith("/oauth2/v2.0/token")) {
                respond(exchange, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,"
                        + "\"access_token\":\"" + ACCESS_TOKEN + "\"}");
            } else {
                respond(exchange, 404, "{\"error\":\"not_found\"}");
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            form.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return form;
    }

    /** A self-signed certificate for 127.0.0.1, made by keytool, which every JDK ships. */
    private static KeyStore generateKeyStore(Path workDir) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IllegalStateException("this test needs the JDK's keytool at " + keytool);
        }
        Path store = workDir.resolve("authority.p12");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "authority",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, PASSWORD);
        }
        return keyStore;
    }
}
