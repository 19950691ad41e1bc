package dev.keycast.nip46.bunker;

import java.time.Duration;

/**
 * One instance's view of its cluster (see {@code docs/cluster.md}); from {@link Bunker#cluster()}.
 * Immutable; a snapshot that may be an inconsistent view.
 *
 * @param instanceId this instance's name
 * @param memberId this instance's current member id, hex (a new one after its lease had ended)
 * @param instances live members at the last heartbeat, this one included
 * @param keysOwned bunker keys this instance answers now (0 while fenced; recounted at most once
 *     per heartbeat)
 * @param slotsOwned slots (of {@link dev.keycast.nip46.store.ClusterStore#SLOTS}) this instance
 *     answers now (0 while fenced)
 * @param fenced whether its lease deadline passed without a renewal: it answers nothing
 * @param takeovers slots it claimed since start
 * @param fencings times its lease ran out
 * @param held requests held for keys it does not answer
 * @param heldOverflows requests dropped because the hold buffer was full
 * @param replayed held requests it ran after taking their key over
 * @param lastRenewal how long its last successful lease renewal took
 * @param appliedVersion the store change version whose subscriptions it has in place
 */
public record ClusterStatus(
    String instanceId,
    String memberId,
    int instances,
    int keysOwned,
    int slotsOwned,
    boolean fenced,
    long takeovers,
    long fencings,
    int held,
    long heldOverflows,
    long replayed,
    Duration lastRenewal,
    long appliedVersion) {}
