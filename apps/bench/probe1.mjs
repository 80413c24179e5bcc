import { connect } from '@esphil/client';
import { DEFAULT_SIM_CONFIG, PinBank, startSimBench, tsBackendFactory, VirtualEsp32 } from '@esphil/sim';

const cfg = {
  ...DEFAULT_SIM_CONFIG,
  websocket: { ...(DEFAULT_SIM_CONFIG.websocket ?? {}), maxClients: 100 },
};
console.log(JSON.stringify(DEFAULT_SIM_CONFIG).slice(0, 400));
try {
  const b = await startSimBench({ config: cfg, latency: 'zero' });
  console.log(b.url);
  const cs = [];
  for (let i = 0; i < 100; i++) cs.push(await connect(b.url, { reconnect: false, heartbeat: false }));
  console.log('connected', cs.length, cs[0].caps.maxClients);
  const t = performance.now();
  await cs[0].ledSet('status', true);
  console.log('rtt', performance.now() - t);
  for (const c of cs) c.close();
  await b.close();
} catch (e) {
  console.log('ERR', e.code, e.message);
}
const d = new VirtualEsp32({ config: DEFAULT_SIM_CONFIG, backend: tsBackendFactory, latency: 'zero' });
await d.start();
console.log(d.url);
process.exit(0);
