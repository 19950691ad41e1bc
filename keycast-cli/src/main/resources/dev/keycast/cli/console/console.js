// Keycast web console: vanilla JS, no dependency. Every value from the server is put in the page with
// textContent (or as an attribute); nothing is parsed as HTML.
import { drawChart } from './charts.js'

const TOKEN_KEY = 'keycast.adminToken'
const API = '../api/v1'
const PAGES = ['overview', 'keys', 'authorizations', 'clients', 'policies', 'approvals', 'audit', 'tasks']
const $ = (sel) => document.querySelector(sel)
let timer = null
let current = null

// ---- DOM helpers ----
function el (tag, props = {}, ...children) {
  const e = document.createElement(tag)
  for (const [k, v] of Object.entries(props)) {
    if (v == null) continue
    if (k === 'text') e.textContent = String(v)
    else if (k === 'class') e.className = v
    else if (k === 'dataset') Object.assign(e.dataset, v)
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v)
    else e.setAttribute(k, String(v))
  }
  for (const c of children) if (c != null) e.append(c instanceof Node ? c : document.createTextNode(String(c)))
  return e
}
const rate = (r) => `${r.max}/${r.window_s === 60 ? 'min' : r.window_s === 1 ? 's' : r.window_s === 3600 ? 'h' : r.window_s + ' s'}`
const text = (v) => v == null ? ''
  : Array.isArray(v) ? v.map(text).join(', ')
    : typeof v === 'object' ? (v.max != null && v.window_s != null ? rate(v) : JSON.stringify(v))
      : String(v)
const HEX64 = /^[0-9a-f]{64}$/
// A table cell: 64-hex keys and ids are shortened, with the full value in the title (hover) and in copy-paste.
function cell (v, mono) {
  const s = text(v)
  if (HEX64.test(s)) return el('td', { class: 'mono', title: s }, el('span', { class: 'short', text: s.slice(0, 10) + '…' }))
  return el('td', { class: mono ? 'mono' : null, text: s })
}

function status (msg) { $('#status').textContent = msg }

// ---- API ----
class ApiError extends Error {
  constructor (status, message) { super(message); this.status = status }
}

async function api (method, path, body) {
  const headers = { Authorization: 'Bearer ' + sessionStorage.getItem(TOKEN_KEY) }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await fetch(API + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit'
  })
  let data = null
  const raw = await res.text()
  if (raw) { try { data = JSON.parse(raw) } catch { data = { error: raw.slice(0, 200) } } }
  if (res.status === 401) { signOut('The token was refused (rotated?). Sign in again.'); throw new ApiError(401, 'unauthorized') }
  if (!res.ok) {
    throw new ApiError(res.status, res.status === 404 && !(data && data.error)
      ? `${path} is not served by this daemon`
      : (data && data.error) || `HTTP ${res.status}`)
  }
  return data
}
const rows = (data) => Array.isArray(data) ? data : (data && (data.items || data.entries || data.rows || data.data)) || []

// ---- tables ----
function table (items, columns, actions) {
  if (!items.length) return el('p', { class: 'muted empty', text: 'Nothing here yet.' })
  const cols = columns || [...new Set(items.flatMap(Object.keys))].filter((c) => c !== 'qr_svg')
  const head = el('tr', {}, ...cols.map((c) => el('th', { text: c.replaceAll('_', ' ') })), actions ? el('th') : null)
  const body = items.map((it) => el('tr', {},
    ...cols.map((c) => cell(it[c], /pubkey|_id$|^id$|uri/.test(c))),
    actions ? el('td', {}, actions(it)) : null))
  return el('div', { class: 'table-wrap' }, el('table', {}, el('thead', {}, head), el('tbody', {}, ...body)))
}

function errorBox (e) { return el('p', { class: 'error', role: 'alert', text: e.message || String(e) }) }

function form (id, fields, submitLabel, onSubmit) {
  const f = el('form', { id, class: 'inline', autocomplete: 'off' })
  for (const fl of fields) {
    const input = fl.options
      ? el('select', { id: fl.id, name: fl.id }, ...fl.options.map(([v, l]) => el('option', { value: v, text: l })))
      : el('input', { id: fl.id, name: fl.id, placeholder: fl.placeholder, required: fl.required ? '' : null, type: fl.type || 'text' })
    f.append(el('label', {}, fl.label, input))
  }
  const err = el('p', { class: 'error', role: 'alert' })
  f.append(el('button', { type: 'submit', class: 'primary', id: id + '-submit', text: submitLabel }), err)
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault()
    err.textContent = ''
    const values = Object.fromEntries(fields.map((fl) => [fl.id, f.querySelector('#' + fl.id).value.trim()]))
    try { await onSubmit(values); f.reset() } catch (e) { err.textContent = e.message }
  })
  return f
}
const list = (s) => s ? s.split(/[\s,]+/).filter(Boolean) : []

// ---- pages ----
async function overview (page) {
  const statBox = el('div', { class: 'stats' })
  const charts = {
    rps: el('div', { class: 'chart', id: 'chart-rps' }),
    latency: el('div', { class: 'chart', id: 'chart-latency' }),
    queue: el('div', { class: 'chart', id: 'chart-queue' }),
    cpu: el('div', { class: 'chart', id: 'chart-cpu' })
  }
  page.append(el('h1', { text: 'Overview' }), statBox, el('div', { class: 'grid' },
    el('section', { class: 'card' }, el('h2', { text: 'Requests per second, by outcome' }), charts.rps),
    el('section', { class: 'card' }, el('h2', { text: 'Latency p50 / p99 (ms)' }), charts.latency),
    el('section', { class: 'card' }, el('h2', { text: 'Queue depth vs capacity' }), charts.queue),
    el('section', { class: 'card' }, el('h2', { text: 'CPU pool and workers busy (%)' }), charts.cpu)))
  const stat = (label, value, id) => el('div', { class: 'stat' }, el('div', { class: 'value', id, text: value }), el('div', { class: 'label', text: label }))
  return async () => {
    const data = await api('GET', '/stats')
    const s = data.samples || []
    const last = s[s.length - 1] || {}
    const t = s.map((x) => x.t)
    const groups = data.groups || ['ok', 'approval', 'denied', 'limited', 'error']
    const total = last.rps ? groups.reduce((a, g) => a + (last.rps[g] || 0), 0) : 0
    statBox.replaceChildren(
      stat('requests/s', total.toFixed(0), 'stat-rps'),
      stat('p99 latency', last.p99_ms == null ? '–' : last.p99_ms + ' ms', 'stat-p99'),
      stat('queue', `${last.queue_depth ?? 0} / ${last.queue_capacity ?? '?'}`, 'stat-queue'),
      stat('in flight', last.in_flight ?? 0, 'stat-inflight'),
      stat('CPU pool busy', Math.round((last.cpu_busy || 0) * 100) + ' %', 'stat-cpu'))
    drawChart(charts.rps, t, groups.map((g) => ({ name: g, cls: 's-' + g, values: s.map((x) => x.rps ? x.rps[g] : null) })), { unit: '/s' })
    drawChart(charts.latency, t, [
      { name: 'p50', cls: 's-p50', values: s.map((x) => x.p50_ms) },
      { name: 'p99', cls: 's-p99', values: s.map((x) => x.p99_ms) }], { unit: 'ms' })
    drawChart(charts.queue, t, [
      { name: 'depth', cls: 's-depth', values: s.map((x) => x.queue_depth) },
      { name: 'capacity', cls: 's-capacity', values: s.map((x) => x.queue_capacity) }])
    drawChart(charts.cpu, t, [
      { name: 'CPU pool', cls: 's-cpu', values: s.map((x) => (x.cpu_busy || 0) * 100) },
      { name: 'workers', cls: 's-workers', values: s.map((x) => (x.workers_busy || 0) * 100) }], { max: 100, unit: '%' })
    page.dataset.samples = String(s.length) // set once drawn (tests wait for it)
  }
}

async function keys (page) {
  const out = el('div')
  page.append(el('h1', { text: 'Keys' }), el('section', { class: 'card' }, el('h2', { text: 'Generate a key' }),
    form('key-form', [{ id: 'key-name', label: 'Name', required: true, placeholder: 'alice' }], 'Generate', async (v) => {
      await api('POST', '/keys', { name: v['key-name'] })
      await refresh()
    })), el('section', { class: 'card' }, out))
  const refresh = async () => out.replaceChildren(table(rows(await api('GET', '/keys'))))
  return refresh
}

async function authorizations (page) {
  const out = el('div')
  const created = el('div', { id: 'created' })
  page.append(el('h1', { text: 'Authorizations' }), el('section', { class: 'card' },
    el('h2', { text: 'New authorization' }),
    form('authorization-form', [
      { id: 'auth-key', label: 'Key', required: true, placeholder: 'alice' },
      { id: 'auth-policy', label: 'Policy', placeholder: 'social' },
      { id: 'auth-relays', label: 'Relays (optional)', placeholder: 'wss://relay.example' },
      { id: 'auth-label', label: 'Label', placeholder: 'phone' }], 'Create', async (v) => {
      const body = { key: v['auth-key'] }
      if (v['auth-policy']) body.policy = v['auth-policy']
      if (v['auth-relays']) body.relays = list(v['auth-relays'])
      if (v['auth-label']) body.label = v['auth-label']
      showCreated(created, await api('POST', '/authorizations', body))
      await refresh()
    }), created), el('section', { class: 'card' }, out))
  const refresh = async () => out.replaceChildren(table(rows(await api('GET', '/authorizations')), null, (a) =>
    a.revoked_at || a.status === 'revoked' ? null : el('button', { class: 'danger', text: 'Revoke', onclick: async () => {
      if (!confirm('Revoke authorization ' + a.id + '?')) return
      await api('DELETE', '/authorizations/' + encodeURIComponent(a.id)); await refresh()
    } })))
  return refresh
}

function showCreated (box, a) {
  const uri = el('input', { id: 'bunker-uri', class: 'uri', readonly: '', value: a.bunker_uri })
  const copy = el('button', { type: 'button', text: 'Copy', onclick: () => navigator.clipboard && navigator.clipboard.writeText(a.bunker_uri) })
  // The QR code is an SVG document from the server: shown as an image (which runs no script), never as markup.
  const qr = a.qr_svg ? el('img', { id: 'bunker-qr', alt: 'QR code of the bunker URI', src: 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(a.qr_svg) }) : null
  box.replaceChildren(el('div', { class: 'created card' },
    el('div', {}, el('h2', { text: `Authorization ${a.id} created` }),
      el('p', { class: 'muted', text: 'The connect secret in this URI is shown once. Scan the code or paste the URI into the client.' }),
      uri, el('div', { class: 'actions' }, copy),
      el('p', { class: 'mono', text: 'bunker key ' + text(a.bunker_pubkey) }),
      el('p', { class: 'mono', text: 'user key ' + text(a.user_pubkey) })), qr))
}

// Connected clients. name/url/image are what each client claims about itself (cleaned and bounded by the daemon,
// never trusted): shown as text, the url as a plain link at most; the image URL is never loaded (the CSP would
// refuse it anyway), only shown as text.
async function clients (page) {
  const out = el('div', { id: 'clients' })
  page.append(el('h1', { text: 'Connected clients' }),
    el('p', { class: 'muted', text: 'Name, site and icon are what each client says about itself: hints, not verified.' }),
    el('section', { class: 'card' }, out))
  const cols = ['name', 'url', 'image', 'client_pubkey', 'authorization_id', 'key', 'granted_perms', 'connected_at']
  return async () => {
    const items = rows(await api('GET', '/clients'))
    out.dataset.count = String(items.length)
    if (!items.length) { out.replaceChildren(el('p', { class: 'muted empty', text: 'No client has connected yet.' })); return }
    const head = el('tr', {}, ...cols.map((c) => el('th', { text: c.replaceAll('_', ' ') })))
    const body = items.map((it) => el('tr', { class: 'client', dataset: { client: it.client_pubkey } }, ...cols.map((c) => {
      if (c === 'name') return el('td', { class: 'client-name', text: it.name ?? '(no name given)' })
      if (c === 'url' && typeof it.url === 'string' && /^https?:\/\//i.test(it.url)) {
        return el('td', { class: 'client-url' }, el('a', { href: it.url, rel: 'noopener noreferrer nofollow', target: '_blank', text: it.url }))
      }
      if (c === 'image') return el('td', { class: 'client-image mono', text: it.image ?? '' })
      return cell(it[c], /pubkey|_id$/.test(c))
    })))
    out.replaceChildren(el('div', { class: 'table-wrap' }, el('table', {}, el('thead', {}, head), el('tbody', {}, ...body))))
  }
}

async function policies (page) {
  const out = el('div')
  page.append(el('h1', { text: 'Policies' }), el('section', { class: 'card' }, el('h2', { text: 'New policy' }),
    form('policy-form', [
      { id: 'policy-name', label: 'Name', required: true, placeholder: 'notes' },
      { id: 'policy-allow', label: 'Allow', placeholder: 'sign_event:1, nip44_encrypt' },
      { id: 'policy-ask', label: 'Ask', placeholder: 'sign_event:0' },
      { id: 'policy-rate', label: 'Rate limit', placeholder: '120/min' }], 'Create', async (v) => {
      const body = { name: v['policy-name'], allow: list(v['policy-allow']) }
      if (v['policy-ask']) body.ask = list(v['policy-ask'])
      if (v['policy-rate']) body.rate_limit = v['policy-rate']
      await api('POST', '/policies', body); await refresh()
    })), el('section', { class: 'card' }, out))
  const refresh = async () => out.replaceChildren(table(rows(await api('GET', '/policies')), null, (p) =>
    p.builtin || p.built_in ? null : el('button', { class: 'danger', text: 'Delete', onclick: async () => {
      if (!confirm('Delete policy ' + p.name + '?')) return
      await api('DELETE', '/policies/' + encodeURIComponent(p.name)); await refresh()
    } })))
  return refresh
}

async function approvals (page) {
  const out = el('div', { id: 'approvals' })
  page.append(el('h1', { text: 'Approvals' }), out)
  let shown = ''
  return async () => {
    const items = rows(await api('GET', '/approvals'))
    updateBadge(items.length)
    out.dataset.count = String(items.length)
    const ids = items.map((a) => a.id).join(',')
    if (ids === shown) return // keep the operator's choice in the selects while nothing changed
    shown = ids
    if (!items.length) { out.replaceChildren(el('p', { class: 'muted empty', text: 'No request waits for approval.' })); return }
    out.replaceChildren(...items.map(approvalCard))
  }
}

function approvalCard (a) {
  const dl = el('dl')
  const add = (k, v, mono) => { if (v != null && v !== '') dl.append(el('dt', { text: k }), el('dd', { class: mono ? 'mono' : null, text: v })) }
  add('client', a.client_name ? `${a.client_name} (name sent by the client, not verified)` : null)
  add('client key', a.client_pubkey, true)
  add('authorization', `${text(a.authorization_id)}${a.key ? ' · key ' + a.key : ''}`)
  add('method', a.permission || a.method)
  add('kind', a.kind)
  add('peer', a.peer, true)
  add('asked', a.created_at)
  add('denied automatically at', a.expires_at)
  const content = a.content != null ? el('pre', { text: a.content }) : null
  const remember = el('select', { class: 'remember', 'aria-label': 'remember' },
    el('option', { value: '', text: 'ask every time' }), el('option', { value: '10m', text: 'remember 10 minutes' }),
    el('option', { value: '1h', text: 'remember 1 hour' }), el('option', { value: '1d', text: 'remember 1 day' }))
  const result = el('span', { class: 'muted result' })
  const decide = (decision) => async () => {
    try {
      await api('POST', '/approvals/' + encodeURIComponent(a.id), { decision, remember: remember.value || null })
      card.dataset.decided = decision
      result.textContent = decision === 'allow' ? 'Allowed' : 'Denied'
      card.querySelectorAll('button').forEach((b) => { b.disabled = true })
      pollBadge()
    } catch (e) { result.textContent = e.message }
  }
  const card = el('article', { class: 'card approval', dataset: { id: a.id } },
    el('h2', { text: `${a.method}${a.kind != null ? ' kind ' + a.kind : ''}` }), dl,
    content ? el('details', { open: '' }, el('summary', { text: 'content' }), content) : null,
    el('div', { class: 'actions' }, remember,
      el('button', { class: 'primary allow', text: 'Allow', onclick: decide('allow') }),
      el('button', { class: 'danger deny', text: 'Deny', onclick: decide('deny') }), result))
  return card
}

async function audit (page) {
  const out = el('div')
  let before = null
  const more = el('button', { id: 'audit-older', text: 'Older', onclick: async () => { await load(true) } })
  page.append(el('h1', { text: 'Audit log' }), el('section', { class: 'card' }, out, el('div', { class: 'actions' }, more)))
  const load = async (older) => {
    const data = await api('GET', '/audit?limit=50' + (older && before != null ? '&before=' + encodeURIComponent(before) : ''))
    const items = rows(data)
    before = (data && data.next_before) ?? (items.length ? items[items.length - 1].id : null)
    more.hidden = items.length < 50
    out.replaceChildren(table(items))
  }
  return () => load(false)
}

async function tasks (page) {
  const pools = el('div', { class: 'stats', id: 'task-pools' })
  const out = el('div', { id: 'tasks' })
  const stuck = el('div', { id: 'stuck' })
  page.append(el('h1', { text: 'Tasks' }), el('p', { class: 'muted', text: 'Every request in flight, refreshed four times a second (the review\'s tokio-console check).' }),
    pools, el('section', { class: 'card' }, el('h2', { text: 'In flight' }), out), stuck)
  const bar = (label, used, total, id) => {
    const frac = total > 0 ? used / total : 0
    return el('div', { class: 'stat', id },
      el('div', { class: 'value', text: `${used} / ${total}` }), el('div', { class: 'label', text: label }),
      el('div', { class: 'bar' + (frac > 0.5 ? ' warn' : '') }, el('span', { style: null, dataset: { frac: frac.toFixed(3) } })))
  }
  let updates = 0
  const seenIds = new Set()
  const seen = el('p', { class: 'muted', id: 'tasks-seen' })
  page.querySelector('section.card').append(seen)
  return async () => {
    const t = await api('GET', '/tasks')
    for (const x of t.tasks || []) seenIds.add(x.id)
    seen.dataset.count = String(seenIds.size)
    seen.textContent = `${seenIds.size} request(s) seen in flight since this page opened`
    const q = t.queue || {}
    const w = t.workers || {}
    const c = t.cpu_pool || {}
    pools.replaceChildren(bar('queue depth / capacity', q.depth ?? 0, q.capacity ?? 0, 'pool-queue'),
      bar('workers busy', w.busy ?? 0, w.total ?? 0, 'pool-workers'), bar('CPU threads busy', c.busy ?? 0, c.total ?? 0, 'pool-cpu'),
      el('div', { class: 'stat' }, el('div', { class: 'value', id: 'awaiting', text: q.pending_approval ?? 0 }), el('div', { class: 'label', text: 'awaiting approval' })))
    // Bar widths are set through the CSSOM (allowed by the CSP, unlike style attributes in markup).
    pools.querySelectorAll('.bar > span').forEach((s) => { s.style.width = (Number(s.dataset.frac) * 100) + '%' })
    const list = (t.tasks || []).slice().sort((a, b) => (b.age_ms || 0) - (a.age_ms || 0))
    out.dataset.count = String(list.length)
    out.dataset.updates = String(++updates)
    out.replaceChildren(list.length ? table(list.map((x) => ({ ...x, method: x.method ?? '(encrypted)', client: x.client ? x.client.slice(0, 12) + '…' : x.client })),
      ['method', 'stage', 'age_ms', 'cpu_ms', 'thread', 'client', 'request_id']) : el('p', { class: 'muted empty', text: 'Idle: no request in flight.' }))
    out.querySelectorAll('tbody tr').forEach((tr) => {
      const td = tr.children[1]
      td.replaceChildren(el('span', { class: 'stage stage-' + td.textContent, text: td.textContent }))
    })
    stuck.replaceChildren(...(t.stuck || []).map((s) => el('section', { class: 'card' },
      el('h2', { text: `Stuck: ${s.task} on ${s.thread} for ${s.running_ms} ms` }), el('pre', { class: 'stack', text: (s.stack || []).join('\n') }))))
  }
}

const RENDER = {
  overview,
  keys,
  authorizations,
  clients,
  policies,
  approvals,
  audit,
  tasks
}
const POLL_MS = { overview: 1000, tasks: 250, approvals: 2000 }

// ---- shell ----
async function show (name) {
  if (!PAGES.includes(name)) name = 'overview'
  clearTimeout(timer)
  current = name
  const page = $('#page')
  page.replaceChildren()
  for (const k of Object.keys(page.dataset)) delete page.dataset[k]
  page.dataset.page = name
  document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', a.dataset.page === name))
  const refresh = await RENDER[name](page)
  const tick = async () => {
    if (current !== name) return
    try { await refresh(); status('updated ' + new Date().toLocaleTimeString()) } catch (e) {
      if (e.status === 401) return
      page.querySelector(':scope > .error')?.remove()
      page.append(errorBox(e))
    }
    if (POLL_MS[name] && current === name) timer = setTimeout(tick, POLL_MS[name])
  }
  await tick()
}

function updateBadge (n) {
  const b = $('#approvals-badge')
  b.textContent = String(n)
  b.hidden = n === 0
}

let badgeTimer = null
async function pollBadge () {
  clearTimeout(badgeTimer)
  if (!sessionStorage.getItem(TOKEN_KEY)) return
  try { updateBadge(rows(await api('GET', '/approvals')).length) } catch { /* shown on the page itself */ }
  badgeTimer = setTimeout(pollBadge, 3000)
}

function signedIn () {
  $('#sign-in-page').hidden = true
  $('#page').hidden = false
  $('#nav').hidden = false
  $('#sign-out').hidden = false
  pollBadge()
  show(location.hash.slice(1))
}

function signOut (message) {
  sessionStorage.removeItem(TOKEN_KEY)
  clearTimeout(timer); clearTimeout(badgeTimer)
  current = null
  $('#page').hidden = true
  $('#page').replaceChildren()
  $('#nav').hidden = true
  $('#sign-out').hidden = true
  $('#sign-in-page').hidden = false
  $('#sign-in-error').textContent = message || ''
}

$('#sign-in-form').addEventListener('submit', async (ev) => {
  ev.preventDefault()
  const token = $('#token').value.trim()
  $('#sign-in-error').textContent = ''
  sessionStorage.setItem(TOKEN_KEY, token)
  try {
    await api('GET', '/approvals') // any admin route: 200 with a good token, 401 without
    $('#token').value = ''
    signedIn()
  } catch (e) {
    if (e.status !== 401) { sessionStorage.removeItem(TOKEN_KEY); $('#sign-in-error').textContent = e.message }
    else $('#sign-in-error').textContent = 'That token was refused.'
  }
})
$('#sign-out').addEventListener('click', () => signOut('Signed out.'))
window.addEventListener('hashchange', () => { if (sessionStorage.getItem(TOKEN_KEY)) show(location.hash.slice(1)) })
if (sessionStorage.getItem(TOKEN_KEY)) signedIn()
