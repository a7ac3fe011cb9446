// A small SVG line chart for the equity curve. No library: the page loads
// nothing but its own files (see the Content-Security-Policy). `linePath` and
// `scale` are pure and unit-tested; `renderEquityChart` draws into an <svg>.
import { displayDecimal } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';

/** Maps points ({t, equity}) into the box, the lowest equity at the bottom. */
export function scale(points, width, height, pad) {
  if (points.length === 0) return { coords: [], min: 0, max: 0, t0: 0, t1: 0 };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const values = points.map((p) => Number(p.equity));
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const t0 = points[0].t;
  const t1 = points[points.length - 1].t;
  const spanT = t1 - t0 || 1;
  const spanV = max - min || Math.abs(max) || 1;
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const coords = points.map((p, i) => {
    const x = pad.left + (points.length === 1 ? w / 2 : ((p.t - t0) / spanT) * w);
    const y = pad.top + h - ((values[i] - min) / spanV) * h;
    return [round(x), round(y)];
  });
  return { coords, min, max, t0, t1 };
}

/** The `d` attribute of a polyline through the coordinates. */
export function linePath(coords) {
  if (coords.length === 0) return '';
  return coords.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x} ${y}`).join(' ');
}

function round(n) {
  return Math.round(n * 10) / 10;
}

function el(name, attrs, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function formatTime(t) {
  return new Date(t).toISOString().replace('T', ' ').slice(0, 16);
}

/** Draws the curve with its range and time labels; replaces what the svg held. */
export function renderEquityChart(svg, points, currency) {
  const [, , width, height] = svg.getAttribute('viewBox').split(' ').map(Number);
  const pad = { left: 8, right: 8, top: 22, bottom: 22 };
  const { coords, min, max, t0, t1 } = scale(points, width, height, pad);
  svg.replaceChildren();
  svg.dataset.points = String(points.length);
  const bottom = height - pad.bottom;
  svg.append(el('line', { class: 'grid', x1: pad.left, x2: width - pad.right, y1: pad.top, y2: pad.top }));
  svg.append(el('line', { class: 'grid', x1: pad.left, x2: width - pad.right, y1: bottom, y2: bottom }));
  if (coords.length === 0) {
    svg.append(el('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle' }, 'No equity yet'));
    return;
  }
  const line = linePath(coords);
  const first = coords[0];
  const last = coords[coords.length - 1];
  svg.append(el('path', { class: 'area', d: `${line} L${last[0]} ${bottom} L${first[0]} ${bottom} Z` }));
  svg.append(el('path', { class: 'line', d: line }));
  svg.append(
    el('text', { x: pad.left, y: 15 }, `${displayDecimal(points[points.length - 1].equity)} ${currency}`),
  );
  // The axis range is float (it only places pixels); shown to 8 decimals like the figures.
  const axis = (v) => v.toFixed(8).replace(/\.?0+$/, '');
  svg.append(
    el('text', { x: width - pad.right, y: 15, 'text-anchor': 'end' }, `max ${axis(max)} · min ${axis(min)}`),
  );
  svg.append(el('text', { x: pad.left, y: height - 5 }, formatTime(t0)));
  svg.append(el('text', { x: width - pad.right, y: height - 5, 'text-anchor': 'end' }, formatTime(t1)));
}
