// The status page: reads the bot's JSON API with the trader's token, then
// follows the WebSocket stream so figures, the chart, positions and trades
// update as they change. Everything from the server is written with
// textContent, never as HTML.
import { renderEquityChart } from './chart.js';
import { displayDecimal, showDecimal } from './format.js';

const TOKEN_KEY = 'botcore.status.token';
const MAX_TRADES = 50;
const MAX_POINTS = 2000;

const $ = (id) => document.getElementById(id);

const state = {
  token: null,
  currency: '',
  points: [],
  socket: null,
  retry: 0,
  chartQueued: false,
};

function takeToken() {
  // A token passed as `#token=...` is a fragment: the browser never sends it. Move it out of the URL.
  const hash = new URLSearchParams(location.hash.slice(1));
  const fromHash = hash.get('token');
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function showLogin(message) {
  state.token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  if (state.socket) state.socket.close(1000, 'signed out');
  $('dashboard').hidden = true;
  $('sign-out').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message || '';
  setConnection('offline');
}

function setConnection(s) {
  $('connection').dataset.state = s;
  $('connection').textContent = s;
}

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code;
  }
}

async function api(path) {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${state.token}` }, cache: 'no-store' });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

function refusal(err) {
  if (err.code === 'BOTCORE_HTTP_TOKEN_EXPIRED') return 'The token has expired; paste a new one.';
  if (err.status === 401) return 'The token was refused.';
  if (err.status === 403) return 'This token does not give access to this bot.';
  return err.message;
}

function signClass(node, value) {
  node.classList.toggle('up', Number(value) > 0);
  node.classList.toggle('down', Number(value) < 0);
}

function renderStatus(s) {
  state.currency = s.currency;
  $('bot').textContent = `${s.bot.namespace}/${s.bot.name}`;
  document.title = `${s.bot.name} · Bot Core`;
  $('mode').textContent = s.mode;
  $('phase').textContent = s.phase;
  showDecimal($('equity'), s.equity, ` ${s.currency}`);
  showDecimal($('pnl-today'), s.pnlToday);
  signClass($('pnl-today'), s.pnlToday);
  showDecimal($('pnl-total'), s.pnlTotal);
  signClass($('pnl-total'), s.pnlTotal);
  $('open-positions').textContent = String(s.openPositions);
  $('trades-today').textContent = String(s.tradesToday);
  $('risk').dataset.state = s.risk.state;
  $('risk-state').textContent = s.risk.state;
  const until = s.risk.until ? ` until ${s.risk.until}` : '';
  $('risk-reason').textContent = s.risk.reason ? `${s.risk.reason}${until}` : until;
  $('strategies').replaceChildren(
    ...s.strategies.map((st) => {
      const li = document.createElement('li');
      li.textContent = `${st.name}${st.type ? ` (${st.type})` : ''}: ${st.ready ? 'ready' : 'not ready'}${
        st.lastSignal ? `, last signal ${st.lastSignal}` : ''
      }${st.message ? ` (${st.message})` : ''}`;
      return li;
    }),
  );
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement('td');
    td.textContent = c ?? '';
    tr.append(td);
  }
  return tr;
}

function renderPositions(items) {
  $('positions').tBodies[0].replaceChildren(
    ...items.map((p) => {
      const tr = row([
        p.symbol,
        p.side,
        p.quantity,
        p.entryPrice,
        p.markPrice,
        p.unrealizedPnl && displayDecimal(p.unrealizedPnl),
      ]);
      tr.dataset.symbol = p.symbol;
      if (p.unrealizedPnl) signClass(tr.cells[5], p.unrealizedPnl);
      return tr;
    }),
  );
  $('no-positions').hidden = items.length > 0;
}

function tradeRow(t) {
  const tr = row([
    t.time.replace('T', ' ').slice(0, 19),
    t.symbol,
    t.side,
    t.quantity,
    t.price,
    `${displayDecimal(t.fee)} ${t.feeCurrency}`,
    t.realizedPnl && displayDecimal(t.realizedPnl),
  ]);
  tr.dataset.tradeId = t.id;
  if (t.realizedPnl) signClass(tr.cells[6], t.realizedPnl);
  return tr;
}

function renderTrades(items) {
  $('trades').tBodies[0].replaceChildren(...items.map(tradeRow));
  $('no-trades').hidden = items.length > 0;
}

function addTrade(t) {
  const body = $('trades').tBodies[0];
  if (body.querySelector(`tr[data-trade-id="${CSS.escape(t.id)}"]`)) return;
  const tr = tradeRow(t);
  tr.classList.add('fresh');
  body.prepend(tr);
  while (body.rows.length > MAX_TRADES) body.deleteRow(body.rows.length - 1);
  $('no-trades').hidden = true;
}

function drawChart() {
  if (state.chartQueued) return;
  state.chartQueued = true;
  requestAnimationFrame(() => {
    state.chartQueued = false;
    renderEquityChart($('equity-chart'), state.points, state.currency);
  });
}

function addPoint(p) {
  const last = state.points[state.points.length - 1];
  if (last && p.t < last.t) return;
  if (last && p.t === last.t) state.points[state.points.length - 1] = p;
  else state.points.push(p);
  if (state.points.length > MAX_POINTS) state.points.splice(0, state.points.length - MAX_POINTS);
  showDecimal($('equity'), p.equity, ` ${state.currency}`);
  drawChart();
}

async function load() {
  const [status, positions, trades, equity] = await Promise.all([
    api('/api/v1/status'),
    api('/api/v1/positions'),
    api(`/api/v1/trades?limit=${MAX_TRADES}`),
    api(`/api/v1/equity?limit=${MAX_POINTS}`),
  ]);
  renderStatus(status);
  renderPositions(positions.items);
  renderTrades(trades.items);
  state.points = equity.points.slice();
  drawChart();
}

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  // Browsers cannot set headers on a WebSocket: the token travels as a second subprotocol.
  const socket = new WebSocket(`${scheme}//${location.host}/api/v1/stream`, [
    'botcore.v1',
    `bearer.${state.token}`,
  ]);
  state.socket = socket;
  socket.onopen = () => {
    state.retry = 0;
    setConnection('live');
  };
  socket.onmessage = (msg) => {
    const m = JSON.parse(msg.data);
    if (m.type === 'hello' || m.type === 'status') renderStatus(m.status);
    else if (m.type === 'positions') renderPositions(m.positions);
    else if (m.type === 'trade') addTrade(m.trade);
    else if (m.type === 'equity') addPoint(m.point);
  };
  socket.onclose = (ev) => {
    if (state.socket !== socket) return;
    state.socket = null;
    setConnection('offline');
    if (!state.token) return;
    if (ev.code === 4401) {
      showLogin('The token has expired; paste a new one.');
      return;
    }
    // Back off up to 30 s, then reload the figures missed while away.
    const delay = Math.min(30_000, 1000 * 2 ** state.retry++);
    setTimeout(() => {
      if (!state.token) return;
      load().then(connect, (err) =>
        err instanceof ApiError && err.status < 500 ? showLogin(refusal(err)) : connect(),
      );
    }, delay);
  };
}

async function start() {
  state.token = takeToken();
  if (!state.token) {
    showLogin('');
    return;
  }
  $('login').hidden = true;
  try {
    await load();
  } catch (err) {
    showLogin(err instanceof ApiError ? refusal(err) : `Cannot reach the bot: ${err.message}`);
    return;
  }
  $('dashboard').hidden = false;
  $('sign-out').hidden = false;
  connect();
}

$('token-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const value = $('token-input').value.trim();
  $('token-input').value = '';
  if (!value) return;
  sessionStorage.setItem(TOKEN_KEY, value);
  void start();
});
$('sign-out').addEventListener('click', () => showLogin(''));

void start();
