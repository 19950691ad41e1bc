// Line charts drawn as inline SVG built with createElementNS: no library, no innerHTML.
const NS = 'http://www.w3.org/2000/svg'
const H = 170
const PAD = { l: 40, r: 8, t: 8, b: 18 }

function svgEl (name, attrs) {
  const e = document.createElementNS(NS, name)
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v))
  return e
}

function niceMax (v) {
  if (!(v > 0)) return 1
  const p = Math.pow(10, Math.floor(Math.log10(v)))
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p
  return 10 * p
}

function fmt (v) {
  if (v >= 1000) return (v / 1000).toFixed(v >= 10000 ? 0 : 1) + 'k'
  if (v >= 10 || v === 0) return String(Math.round(v))
  return v.toFixed(v >= 1 ? 1 : 2)
}

/**
 * Draws series into a container (replacing what was there).
 * series: [{name, cls, values: [number|null]}]; times: [epoch ms]; opts: {max, unit}.
 */
export function drawChart (container, times, series, opts = {}) {
  // Drawn at the container's pixel width, so text and lines keep their proportions at any screen size.
  const W = Math.max(200, Math.round(container.clientWidth || 600))
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': opts.label || 'chart' })
  let max = opts.max ?? 0
  if (opts.max == null) {
    for (const s of series) for (const v of s.values) if (v != null && v > max) max = v
    max = niceMax(max)
  }
  const x0 = PAD.l
  const x1 = W - PAD.r
  const y0 = H - PAD.b
  const y1 = PAD.t
  const n = Math.max(times.length, 2)
  const xs = (i) => x0 + (x1 - x0) * (i / (n - 1))
  const ys = (v) => y0 - (y0 - y1) * Math.min(1, v / max)
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4
    svg.append(svgEl('line', { x1: x0, x2: x1, y1: ys(v), y2: ys(v), class: k === 0 ? 'axis' : 'gridline' }))
    const label = svgEl('text', { x: x0 - 4, y: ys(v) + 3, 'text-anchor': 'end' })
    label.textContent = fmt(v) + (opts.unit && k === 4 ? ' ' + opts.unit : '')
    svg.append(label)
  }
  if (times.length > 1) {
    const secs = Math.round((times[times.length - 1] - times[0]) / 1000)
    const t = svgEl('text', { x: x0, y: H - 4 })
    t.textContent = `−${secs}s`
    svg.append(t)
    const now = svgEl('text', { x: x1, y: H - 4, 'text-anchor': 'end' })
    now.textContent = 'now'
    svg.append(now)
  }
  for (const s of series) {
    let pts = ''
    s.values.forEach((v, i) => { if (v != null) pts += `${xs(i).toFixed(1)},${ys(v).toFixed(1)} ` })
    if (pts) svg.append(svgEl('polyline', { points: pts.trim(), class: s.cls }))
  }
  const legend = document.createElement('div')
  legend.className = 'legend'
  for (const s of series) {
    const item = document.createElement('span')
    const sw = document.createElement('i')
    sw.className = s.cls
    item.append(sw, document.createTextNode(s.name))
    legend.append(item)
  }
  container.replaceChildren(svg, legend)
  container.dataset.drawn = String(times.length)
}
