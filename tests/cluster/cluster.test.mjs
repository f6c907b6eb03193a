// Two instances on one PostgreSQL behind nginx (see run.sh). A district reporter works through the
// front door while the IT department restarts the instances one after the other.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { openSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';

const BIN = process.env.DIAODU_BIN;
const DB = process.env.DIAODU_CLUSTER_DB;
const WORK = process.env.CLUSTER_WORK;
const ROOT = process.env.REPO_ROOT;
const PORTS = { A: 18911, B: 18912 };
const FRONT = `http://127.0.0.1:18910`;
const direct = (name) => `http://127.0.0.1:${PORTS[name]}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const procs = {};

function start(name) {
  const log = openSync(`${WORK}/${name}.log`, 'a');
  procs[name] = spawn(BIN, ['--db', DB, '--log-format', 'json', 'serve',
    '--addr', `127.0.0.1:${PORTS[name]}`, '--files-dir', `${WORK}/files`,
    '--trusted-proxy', '127.0.0.1', '--shutdown-grace', '20'], { stdio: ['ignore', 'ignore', log] });
}

async function ready(name) {
  for (let i = 0; i < 300; i++) {
    try {
      const r = await api(direct(name), '/readyz');
      if (r.status === 200) return;
    } catch { /* not listening yet */ }
    await sleep(100);
  }
  throw new Error(`instance ${name} never became ready`);
}

async function stop(name) {
  const p = procs[name];
  const exited = once(p, 'exit');
  p.kill('SIGTERM');
  const [code] = await exited;
  return code;
}

const conf = `${WORK}/nginx.conf`;
function writeNginx(down = {}) {
  mkdirSync(`${WORK}/nginx-tmp`, { recursive: true });
  const server = (n) => `server 127.0.0.1:${PORTS[n]}${down[n] ? ' down' : ''};`;
  writeFileSync(conf, `user root;
worker_processes 2;
pid ${WORK}/nginx.pid;
error_log ${WORK}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log ${WORK}/nginx-access.log;
  client_body_temp_path ${WORK}/nginx-tmp/body;
  proxy_temp_path ${WORK}/nginx-tmp/proxy;
  upstream diaodu { ${server('A')} ${server('B')} keepalive 16; }
  server {
    listen 127.0.0.1:18910;
    include ${ROOT}/deploy/nginx/diaodu-proxy.conf;
  }
}
`);
}
// A reload starts new workers with the new upstreams and lets the old ones finish their requests.
async function reloadNginx(down) {
  writeNginx(down);
  execFileSync('nginx', ['-c', conf, '-s', 'reload']);
  await sleep(1000);
}

// One connection per request (as many browsers behind many proxies look to nginx): a client's own
// keep-alive connection that nginx closes on reload is the client's retry to make, not the
// server's loss.
function api(base, path, token, body, method) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const data = body ? Buffer.from(JSON.stringify(body)) : null;
  if (data) headers['content-length'] = data.length;
  const url = new URL(base + path);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname + url.search,
      method: method || (body ? 'POST' : 'GET'), headers, agent: false,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch { /* a page */ }
        resolve({ status: res.statusCode, json, text, headers: res.headers });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

async function metricsOf(name) {
  return (await api(direct(name), '/metrics')).text;
}
function count(metrics, job, result) {
  const m = metrics.match(new RegExp(`diaodu_job_rounds_total\\{job="${job}",result="${result}"\\} (\\d+)`));
  return m ? Number(m[1]) : 0;
}

/** Last week as a period (YYYY-Www, ISO weeks, Beijing time): the week reporters file on Monday,
 * and the latest whose reports count in today's status. */
function lastWeek() {
  const now = new Date(Date.now() + 8 * 3600 * 1000 - 7 * 86400 * 1000);
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((d - yearStart) / 86400000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

let token;
let unit;
let projects;
const period = lastWeek();

after(async () => {
  for (const name of Object.keys(procs)) {
    if (procs[name].exitCode === null) procs[name].kill('SIGKILL');
  }
  try { execFileSync('nginx', ['-c', conf, '-s', 'stop']); } catch { /* not running */ }
});

test('two instances start on one database; background rounds run on one of them', async () => {
  start('A');
  await ready('A');
  start('B');
  await ready('B');
  writeNginx();
  execFileSync('nginx', ['-c', conf]);
  // Both have had their first rounds: the escalation ladder climbed once, on the first instance.
  await sleep(1500);
  const [a, b] = [await metricsOf('A'), await metricsOf('B')];
  // (Whichever claimed the hour first: B may start before A's timer has had its turn.)
  assert.equal(count(a, 'escalation', 'ok') + count(b, 'escalation', 'ok'), 1, `${a}\n${b}`);
  assert.equal(count(a, 'escalation', 'skipped') + count(b, 'escalation', 'skipped'), 1,
    'the other instance found the hour taken');
  assert.ok(count(a, 'outbox', 'ok') + count(b, 'outbox', 'ok') >= 1);
});

test('any instance serves any request, and a write on one is seen by the next request on the other', async () => {
  // Signed in on A; the token works on B (sessions are in the database).
  const login = await api(direct('A'), '/api/v1/login', null, { login: 'yundong', password: 'Diaodu@2026' });
  assert.equal(login.status, 200, login.text);
  token = login.json.token;
  unit = (await api(direct('B'), '/api/v1/units', token)).json.find((u) => u.name === '云东区');
  assert.ok(unit);
  const list = await api(direct('B'), `/api/v1/projects?unit=${unit.id}&per_page=100`, token);
  assert.equal(list.status, 200);
  projects = list.json.items.filter((p) => p.status && p.status.started && p.stage !== 'completed');
  assert.ok(projects.length >= 20, `started projects: ${projects.length}`);
  const p = projects[0];
  const ytd = async (name) => {
    const s = await api(direct(name), `/api/v1/status?unit=${unit.id}`, token);
    assert.equal(s.status, 200);
    return s.json.find((x) => x.code === p.code).ytd_investment_wan;
  };
  let before = await ytd('B');
  let last = null;
  for (let i = 0; i < 10; i++) {
    const [writer, reader] = i % 2 ? ['B', 'A'] : ['A', 'B'];
    await ytd(reader); // the reader's statuses are cached now
    const value = 11 + i;
    const r = await api(direct(writer), `/api/v1/projects/${p.id}/reports`, token,
      { period, investment_wan: value, progress: `集群测试第 ${i + 1} 次填报`, problems: '' });
    assert.ok([200, 201].includes(r.status), r.text);
    const now = await ytd(reader);
    const delta = last === null ? null : value - last;
    if (delta !== null) {
      assert.equal(Math.round((now - before) * 100), Math.round(delta * 100),
        `round ${i + 1}: ${reader} sees ${writer}'s write at once`);
    }
    before = now;
    last = value;
  }
});

test('through nginx: request ids, metrics kept inside, and a rolling restart under load loses no request', async () => {
  const h = await api(FRONT, '/healthz');
  assert.equal(h.status, 200);
  assert.match(h.headers['x-request-id'], /^[0-9a-f]{32}$/, "nginx's request id comes back");
  assert.equal((await api(FRONT, '/metrics')).status, 403);

  let stopLoad = false;
  const stats = { ok: 0, failed: [], posts: 0 };
  const lastValue = new Map();
  const worker = async (w) => {
    const p = projects[1 + (w % (projects.length - 1))];
    let n = 0;
    while (!stopLoad) {
      n++;
      try {
        let r;
        if (n % 3 === 0) {
          // Distinct values: each submission changes the report.
          const value = 5 + (n % 97) / 10;
          r = await api(FRONT, `/api/v1/projects/${p.id}/reports`, token,
            { period, investment_wan: value, progress: `负载 ${w}/${n}`, problems: '' });
          if (r.status === 200 || r.status === 201) {
            stats.posts++;
            lastValue.set(p.id, value);
          }
        } else if (n % 3 === 1) {
          r = await api(FRONT, `/api/v1/projects?unit=${unit.id}&light=red`, token);
        } else {
          r = await api(FRONT, `/api/v1/projects/${p.id}`, token);
        }
        if (r.status >= 200 && r.status < 300) stats.ok++;
        else stats.failed.push(`${r.status} ${r.text.slice(0, 200)}`);
      } catch (e) {
        stats.failed.push(String(e));
      }
    }
  };
  // Each worker its own project, so that no two submissions meet on one report.
  const workers = Array.from({ length: 12 }, (_, w) => worker(w));
  await sleep(1500);
  for (const name of ['A', 'B']) {
    await reloadNginx({ [name]: true });
    const code = await stop(name);
    assert.equal(code, 0, `${name} stopped cleanly`);
    start(name);
    await ready(name);
    await reloadNginx({});
    await sleep(1000);
  }
  stopLoad = true;
  await Promise.all(workers);
  console.log(`# under the rolling restart: ${stats.ok} requests answered, ${stats.posts} reports filed, ${stats.failed.length} failed`);
  assert.deepEqual(stats.failed, [], 'no request failed');
  assert.ok(stats.ok > 200 && stats.posts > 50, JSON.stringify({ ok: stats.ok, posts: stats.posts }));
  // Every submission kept: each project's report holds the last value its worker sent.
  for (const [pid, value] of lastValue) {
    const reps = (await api(FRONT, `/api/v1/projects/${pid}/reports`, token)).json;
    const rep = reps.find((x) => x.period === period);
    assert.equal(Number(rep.investment_wan), value, `project ${pid}`);
  }
  // The restarted instances found the ladder's hour taken.
  const [a, b] = [await metricsOf('A'), await metricsOf('B')];
  assert.equal(count(a, 'escalation', 'ok') + count(b, 'escalation', 'ok'), 0);
  assert.equal(count(a, 'escalation', 'skipped') + count(b, 'escalation', 'skipped'), 2);
});
