/**
 * Implementation of the keycast command (logging, HTTP endpoints, metrics, terminal output): not
 * API, may change at any time.
 */
@NullMarked
package dev.keycast.cli.internal;

import org.jspecify.annotations.NullMarked;
