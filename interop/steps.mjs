// The shared part of the nostr-tools interop scripts (bunker-signer.mjs, nostrconnect-client.mjs): argument parsing,
// the step runner and the NIP-46 method steps, so both connection flows exercise every method the same way and
// print the same output: one JSON line per step ({"step","ok",...}) and a final {"summary":...,"failures":N}.
import { generateSecretKey, getPublicKey, verifyEvent } from 'nostr-tools/pure'
import * as nip44 from 'nostr-tools/nip44'
import * as nip04 from 'nostr-tools/nip04'

/**
 * Reads `<target> [--denied-kind N] [--timeout-ms MS]` from the command line; exits 2 with the usage on stderr
 * when the target is missing or there is no global WebSocket.
 */
export function parseArgs(usage, defaultTimeoutMs) {
  const args = process.argv.slice(2)
  const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt }
  const target = args[0]
  if (!target || target.startsWith('--') || typeof WebSocket === 'undefined') {
    console.error(!target || target.startsWith('--') ? `usage: ${usage}`
      : 'no global WebSocket: run node with --experimental-websocket (Node 20) or use Node 22+')
    process.exit(2)
  }
  return { target, deniedKind: opt('--denied-kind', null), timeoutMs: Number(opt('--timeout-ms', String(defaultTimeoutMs))) }
}

/** A step runner: step(name, fn) prints one JSON line and returns whether it passed; finish() prints the summary. */
export function stepRunner(timeoutMs) {
  let failures = 0
  const results = {}
  const withTimeout = (p, what) => Promise.race([
    p, new Promise((_, rej) => setTimeout(() => rej(new Error(`timeout after ${timeoutMs} ms: ${what}`)), timeoutMs))])
  async function step(name, fn) {
    try {
      const detail = await withTimeout(fn(), name)
      results[name] = 'ok'
      console.log(JSON.stringify({ step: name, ok: true, ...(detail ?? {}) }))
      return true
    } catch (e) {
      failures++
      results[name] = 'FAILED'
      console.log(JSON.stringify({ step: name, ok: false, error: String(e?.message ?? e) }))
      return false
    }
  }
  function finish() {
    console.log(JSON.stringify({ summary: results, failures }))
    return failures
  }
  return { step, finish }
}

function expect(cond, message) { if (!cond) throw new Error(message) }

/** Expects the call to be answered with an error reply; returns its error string. */
export async function expectErrorReply(call, what) {
  let r
  try {
    r = await call()
  } catch (e) {
    // BunkerSigner rejects with the bare error string of an error reply; anything else is a local failure
    if (typeof e !== 'string') throw e
    return { error: e }
  }
  throw new Error(`expected an error reply, got ${what} ${typeof r === 'string' ? r : JSON.stringify(r)}`)
}

/**
 * Every NIP-46 method after the connection: get_public_key, sign_event (verified, signed by the user key), nip44 and
 * nip04 both ways (checked by a third party), ping, an unknown method (must be an error reply) and, when deniedKind
 * is given, signing that kind (must be refused with an error reply).
 */
export async function everyMethod(signer, step, deniedKind) {
  const third = generateSecretKey()
  const thirdPk = getPublicKey(third)
  let userPk
  await step('get_public_key', async () => {
    userPk = await signer.getPublicKey()
    expect(/^[0-9a-f]{64}$/.test(userPk), `not a pubkey: ${userPk}`)
    return { pubkey: userPk }
  })
  await step('sign_event', async () => {
    const ev = await signer.signEvent({ kind: 1, content: 'hello from nostr-tools "quoted" \n ünïcödé', tags: [['t', 'keycast']], created_at: Math.floor(Date.now() / 1000) })
    expect(verifyEvent(ev), 'signature does not verify')
    expect(ev.pubkey === userPk, `signed by ${ev.pubkey}, not the user key ${userPk}`)
    return { id: ev.id, event: ev }
  })
  await step('nip44_encrypt', async () => {
    const ct = await signer.nip44Encrypt(thirdPk, 'to the third party (nip44)')
    const pt = nip44.decrypt(ct, nip44.getConversationKey(third, userPk))
    expect(pt === 'to the third party (nip44)', 'third party cannot decrypt')
  })
  await step('nip44_decrypt', async () => {
    const ct = nip44.encrypt('from the third party (nip44)', nip44.getConversationKey(third, userPk))
    const pt = await signer.nip44Decrypt(thirdPk, ct)
    expect(pt === 'from the third party (nip44)', 'bunker decrypted to something else')
  })
  await step('nip04_encrypt', async () => {
    const ct = await signer.nip04Encrypt(thirdPk, 'to the third party (nip04)')
    const pt = nip04.decrypt(third, userPk, ct)
    expect(pt === 'to the third party (nip04)', 'third party cannot decrypt')
  })
  await step('nip04_decrypt', async () => {
    const ct = nip04.encrypt(third, userPk, 'from the third party (nip04)')
    const pt = await signer.nip04Decrypt(thirdPk, ct)
    expect(pt === 'from the third party (nip04)', 'bunker decrypted to something else')
  })
  await step('ping', async () => { await signer.ping() })
  await step('unknown_method', () => expectErrorReply(() => signer.sendRequest('frobnicate', []), 'result'))
  if (deniedKind !== null) await step('policy_denied', () => expectErrorReply(() => signer.signEvent(
    { kind: Number(deniedKind), content: 'denied', tags: [], created_at: Math.floor(Date.now() / 1000) }), 'a signed event'))
}
