package io.keymgmt.http.routes;

import java.util.Set;

/**
 * Functions whose invocations the Functions host POSTs to a custom handler at {@code /<FunctionName>}
 * (timer and queue triggers). Only the host reaches those paths, on the handler's loopback port, and
 * it sends no token; an app with such functions has no HTTP function whose requests are proxied to the
 * same port, so nothing else can reach them.
 */
public interface HostInvokedFunctions {

    /** The paths, {@code /<FunctionName>} each. */
    Set<String> paths();
}
