/** The actions workflows call (Logic Apps): plain JSON, long work as operations to poll. */
package io.keymgmt.http.actions;
