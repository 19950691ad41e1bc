/**
 * The {@code keycast} command: the daemon ({@code serve}), key and authorization management, the
 * dev relay, the crypto benchmark and the NIP-46 load generator.
 *
 * <p>The command surface (names, flags, {@code --json} shapes and {@link dev.keycast.cli.ExitCodes
 * exit codes}) is a contract scripts depend on. Start at {@link dev.keycast.cli.KeycastCommand};
 * {@link dev.keycast.cli.Main} is the only place that calls {@code System.exit}.
 */
@NullMarked
package dev.keycast.cli;

import org.jspecify.annotations.NullMarked;
