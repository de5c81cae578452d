// PM2 doing what the benchmark's latency section asks of BlueZero, through PM2's programmatic API, one request at a
// time: pm2.start('/bin/sleep 30', interpreter 'none'), then pm2.delete of it (PM2 stops the process, then forgets it).
// Usage: node pm2-bench.js PAIRS WARMUP. PM2_HOME must name a directory of this run's own: the daemon lives there and
// is killed at the end. Prints one JSON line: {"version", "startMs": [...], "stopMs": [...]}.
'use strict';
const pm2 = require('pm2');
const { version } = require('pm2/package.json');

const [pairs, warmup] = process.argv.slice(2).map(Number);
if (!(pairs > 0) || !(warmup >= 0) || !process.env.PM2_HOME) {
  console.error('usage: PM2_HOME=DIR node pm2-bench.js PAIRS WARMUP');
  process.exit(2);
}

const call = (fn, ...args) => new Promise((resolve, reject) => fn.call(pm2, ...args, (err, res) => (err ? reject(err) : resolve(res))));
const timed = async (fn, ...args) => {
  const t0 = process.hrtime.bigint();
  await call(fn, ...args);
  return Number(process.hrtime.bigint() - t0) / 1e6;
};

const spec = { name: 'sleep30', script: '/bin/sleep', args: ['30'], interpreter: 'none', autorestart: false };

async function main() {
  await call(pm2.connect);
  const startMs = [];
  const stopMs = [];
  try {
    for (let i = 0; i < warmup + pairs; i++) {
      const start = await timed(pm2.start, spec);
      const stop = await timed(pm2.delete, spec.name);
      if (i < warmup) continue;
      startMs.push(start);
      stopMs.push(stop);
    }
  } finally {
    await call(pm2.killDaemon).catch(() => {});
    pm2.disconnect();
  }
  console.log(JSON.stringify({ version, startMs, stopMs }));
}

main().catch((err) => {
  console.error(`pm2 benchmark failed: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
