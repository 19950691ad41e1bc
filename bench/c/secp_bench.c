/*
 * Single-thread throughput of libsecp256k1 called from C: the reference the Java backends are measured against.
 *
 * Operations (the same work each Java backend does per call):
 *   sign_cached_keypair  schnorrsig_sign32 with a keypair created once (what a bunker signing with the same key
 *                        again and again can do)
 *   sign_derive_keypair  keypair_create + schnorrsig_sign32 on every call (what ACINQ's JNI signSchnorr does)
 *   verify_cached_key    schnorrsig_verify of a 32-byte message with the x-only key parsed once
 *   ecdh_x               ec_pubkey_parse(0x02||x) + ec_pubkey_tweak_mul + ec_pubkey_serialize (the x coordinate of
 *                        the shared point, as NIP-04/NIP-44 need; the peer key arrives as 32 raw bytes each call)
 *   ecdh_x_parsed        ec_pubkey_tweak_mul + ec_pubkey_serialize on a pubkey parsed once
 *   xonly_parse          xonly_pubkey_parse alone (the cost a parsed-key cache saves)
 *
 * Output: one machine-readable line per operation:
 *   c-secp256k1 lib=<label> op=<name> ops_per_s=<mean> best_ops_per_s=<best 0.5 s slice> ns_per_op=<mean>
 *               iterations=<n> seconds=<s>
 *
 * Usage: secp_bench <label> [seconds-per-op]   (default 3 s per op after a 1 s warm-up)
 */
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void die(const char *what) {
    fprintf(stderr, "secp_bench: %s failed\n", what);
    exit(1);
}

/* Shared state of the benchmark bodies. */
static secp256k1_context *ctx;
static unsigned char sec[32], msg[32], aux[32], sig[64], xonly32[32], compressed[33];
static secp256k1_keypair keypair;
static secp256k1_xonly_pubkey xonly;
static secp256k1_pubkey peer;
static volatile unsigned char sink;

/* Each body does one operation; i varies the input a little so no call is a repeat of the previous one. */
static void op_sign_cached(long i) {
    msg[0] = (unsigned char) i;
    if (!secp256k1_schnorrsig_sign32(ctx, sig, msg, &keypair, aux)) die("schnorrsig_sign32");
    sink ^= sig[0];
}

static void op_sign_derive(long i) {
    secp256k1_keypair kp;
    msg[0] = (unsigned char) i;
    if (!secp256k1_keypair_create(ctx, &kp, sec)) die("keypair_create");
    if (!secp256k1_schnorrsig_sign32(ctx, sig, msg, &kp, aux)) die("schnorrsig_sign32");
    sink ^= sig[0];
}

static unsigned char verify_sig[64], verify_msg[32];
static void op_verify(long i) {
    (void) i;
    if (!secp256k1_schnorrsig_verify(ctx, verify_sig, verify_msg, 32, &xonly)) die("schnorrsig_verify");
}

static void op_ecdh_x(long i) {
    secp256k1_pubkey point;
    unsigned char out[33];
    size_t len = sizeof out;
    (void) i;
    if (!secp256k1_ec_pubkey_parse(ctx, &point, compressed, 33)) die("ec_pubkey_parse");
    if (!secp256k1_ec_pubkey_tweak_mul(ctx, &point, sec)) die("ec_pubkey_tweak_mul");
    secp256k1_ec_pubkey_serialize(ctx, out, &len, &point, SECP256K1_EC_COMPRESSED);
    sink ^= out[1];
}

static void op_ecdh_x_parsed(long i) {
    secp256k1_pubkey point = peer;
    unsigned char out[33];
    size_t len = sizeof out;
    (void) i;
    if (!secp256k1_ec_pubkey_tweak_mul(ctx, &point, sec)) die("ec_pubkey_tweak_mul");
    secp256k1_ec_pubkey_serialize(ctx, out, &len, &point, SECP256K1_EC_COMPRESSED);
    sink ^= out[1];
}

/*
 * Runs body for `seconds` after a 1 s warm-up, in slices of 0.5 s. Reports the mean over the whole run and the best
 * slice: on a shared machine the best slice is the figure least disturbed by other processes (the JMH summary
 * reports its best iteration the same way).
 */
static void op_xonly_parse(long i) {
    secp256k1_xonly_pubkey parsed;
    (void) i;
    if (!secp256k1_xonly_pubkey_parse(ctx, &parsed, xonly32)) die("xonly_pubkey_parse");
    sink ^= parsed.data[0];
}

static void run(const char *label, const char *name, void (*body)(long), double seconds) {
    long i = 0, n = 0;
    double start = now_seconds();
    while (now_seconds() - start < 1.0) {
        for (int k = 0; k < 64; k++) body(i++);
    }
    double best = 0;
    start = now_seconds();
    double slice_start = start, end;
    long slice_n = 0;
    do {
        for (int k = 0; k < 64; k++) body(i++);
        n += 64;
        slice_n += 64;
        end = now_seconds();
        if (end - slice_start >= 0.5) {
            double rate = slice_n / (end - slice_start);
            if (rate > best) best = rate;
            slice_start = end;
            slice_n = 0;
        }
    } while (end - start < seconds);
    double elapsed = end - start;
    printf("c-secp256k1 lib=%s op=%s ops_per_s=%.0f best_ops_per_s=%.0f ns_per_op=%.0f iterations=%ld seconds=%.2f\n",
           label, name, n / elapsed, best, elapsed * 1e9 / n, n, elapsed);
    fflush(stdout);
}

int main(int argc, char **argv) {
    const char *label = argc > 1 ? argv[1] : "system";
    double seconds = argc > 2 ? atof(argv[2]) : 3.0;
    if (seconds <= 0) seconds = 3.0;

    ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (ctx == NULL) die("context_create");
    for (int k = 0; k < 32; k++) {
        sec[k] = (unsigned char) (k * 7 + 1);
        msg[k] = (unsigned char) (k * 13 + 5);
        aux[k] = (unsigned char) (k * 3 + 11);
    }
    unsigned char peer_sec[32];
    for (int k = 0; k < 32; k++) peer_sec[k] = (unsigned char) (255 - k * 5);

    if (!secp256k1_keypair_create(ctx, &keypair, sec)) die("keypair_create");
    if (!secp256k1_keypair_xonly_pub(ctx, &xonly, NULL, &keypair)) die("keypair_xonly_pub");

    /* A valid signature to verify over and over. */
    memcpy(verify_msg, msg, 32);
    if (!secp256k1_schnorrsig_sign32(ctx, verify_sig, verify_msg, &keypair, aux)) die("schnorrsig_sign32");

    /* The peer's x-only key as 32 raw bytes, and as 0x02||x for ec_pubkey_parse. */
    secp256k1_keypair peer_kp;
    secp256k1_xonly_pubkey peer_xonly;
    if (!secp256k1_keypair_create(ctx, &peer_kp, peer_sec)) die("keypair_create(peer)");
    if (!secp256k1_keypair_xonly_pub(ctx, &peer_xonly, NULL, &peer_kp)) die("keypair_xonly_pub(peer)");
    secp256k1_xonly_pubkey_serialize(ctx, xonly32, &peer_xonly);
    compressed[0] = 0x02;
    memcpy(compressed + 1, xonly32, 32);
    if (!secp256k1_ec_pubkey_parse(ctx, &peer, compressed, 33)) die("ec_pubkey_parse(peer)");

    run(label, "sign_cached_keypair", op_sign_cached, seconds);
    run(label, "sign_derive_keypair", op_sign_derive, seconds);
    run(label, "verify_cached_key", op_verify, seconds);
    run(label, "ecdh_x", op_ecdh_x, seconds);
    run(label, "ecdh_x_parsed", op_ecdh_x_parsed, seconds);
    run(label, "xonly_parse", op_xonly_parse, seconds);

    secp256k1_context_destroy(ctx);
    return 0;
}
