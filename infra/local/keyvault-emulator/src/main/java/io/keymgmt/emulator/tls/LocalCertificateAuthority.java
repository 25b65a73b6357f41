package io.keymgmt.emulator.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority made at start-up, and the one server certificate it issues for
 * {@code 127.0.0.1}/{@code localhost}. Clients trust the CA (never the server certificate itself), the
 * same shape as trusting a corporate root, so that a client's trust setup is exercised for real.
 *
 * <p>Keys are EC P-256: generated in milliseconds, and every JDK TLS client accepts them.
 * Certificates follow the real clock, not an injected one, because the TLS peer checks them against
 * its own real clock.
 */
public final class LocalCertificateAuthority {

    /** Long enough for a developer's local stack to run for weeks, short enough to stay a test artefact. */
    private static final Duration VALIDITY = Duration.ofDays(90);
    /** Tolerates a peer whose clock is slightly behind ours. */
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final char[] IN_MEMORY_PASSWORD = "in-memory-only".toCharArray();

    private final X509Certificate caCertificate;
    private final SSLContext serverContext;

    private LocalCertificateAuthority(X509Certificate caCertificate, SSLContext serverContext) {
        this.caCertificate = caCertificate;
        this.serverContext = serverContext;
    }

    public static LocalCertificateAuthority create() {
        try {
            SecureRandom random = new SecureRandom();
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair caKeys = generator.generateKeyPair();
            KeyPair serverKeys = generator.generateKeyPair();

            Instant notBefore = Instant.now().minus(BACKDATE);
            Instant notAfter = notBefore.plus(VALIDITY);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            ContentSigner caSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate());

            X500Name caName = new X500Name("CN=keymgmt Key Vault emulator local CA " + Long.toHexString(random.nextLong()));
            X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, serial(random),
                    Date.from(notBefore), Date.from(notAfter), caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate caCertificate = convert(ca.build(caSigner));

            X509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caCertificate, serial(random),
                    Date.from(notBefore), Date.from(notAfter), new X500Name("CN=127.0.0.1"), serverKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                            new GeneralName(GeneralName.dNSName, "localhost")}))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(caCertificate))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(serverKeys.getPublic()));
            X509Certificate serverCertificate = convert(server.build(caSigner));
            serverCertificate.verify(caCertificate.getPublicKey());

            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("server", serverKeys.getPrivate(), IN_MEMORY_PASSWORD,
                    new X509Certificate[] {serverCertificate, caCertificate});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keyStore, IN_MEMORY_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, random);
            return new LocalCertificateAuthority(caCertificate, context);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("could not create the emulator's local certificate authority: " + e, e);
        }
    }

    /** The server side of TLS for every HTTPS listener of the emulator. */
    public SSLContext serverContext() {
        return serverContext;
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    public String caCertificatePem() {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(caCertificate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A client context that trusts only this CA: what a test or a script's HTTP client needs. */
    public SSLContext clientContextTrustingCa() {
        return clientContextTrusting(caCertificate);
    }

    public static SSLContext clientContextTrusting(X509Certificate ca) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("keymgmt-emulator-ca", ca);
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not build a TLS client context trusting the emulator CA: " + e, e);
        }
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(64, random).setBit(63);
    }

    private static X509Certificate convert(X509CertificateHolder holder) throws GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(holder);
    }
}
