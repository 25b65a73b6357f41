package io.keymgmt.emulator.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

/**
 * Creates the emulator's HTTP(S) listeners: loopback only, TLS 1.2/1.3, one bounded worker pool.
 * A listener is bound but neither started nor given a handler, so that its port can go into the
 * URLs its handler serves.
 */
public final class Listeners {

    private static final int BACKLOG = 64;
    private static final String[] TLS_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private Listeners() {
    }

    /** 127.0.0.1 explicitly: {@code getLoopbackAddress()} may be ::1, and the emulator's URLs say 127.0.0.1. */
    public static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public static HttpsServer https(int port, SSLContext tls, ExecutorService workers)
            throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(loopback(), port), BACKLOG);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters parameters) {
                SSLParameters ssl = tls.getDefaultSSLParameters();
                ssl.setProtocols(TLS_PROTOCOLS);
                ssl.setNeedClientAuth(false);
                parameters.setSSLParameters(ssl);
            }
        });
        server.setExecutor(workers);
        return server;
    }

    public static HttpServer http(int port, ExecutorService workers) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(loopback(), port), BACKLOG);
        server.setExecutor(workers);
        return server;
    }

    /**
     * Worker threads shared by every listener. Bounded in threads and queue; when both are full the
     * listener's own dispatcher runs the request, which slows accepting instead of dropping requests.
     * Threads are daemons so a forgotten emulator never keeps a JVM alive.
     */
    public static ExecutorService workerPool(int threads, int queueLength) {
        AtomicInteger counter = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "keyvault-emulator-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(queueLength), factory, new ThreadPoolExecutor.CallerRunsPolicy());
    }
}
