import { connect } from '@esphil/client';
import { DEFAULT_SIM_CONFIG, startSimBench } from '@esphil/sim';

setTimeout(() => {
  console.log('TIMEOUT');
  process.exit(1);
}, 15000).unref?.();
const cfg = { ...DEFAULT_SIM_CONFIG, websocket: { maxClients: 17 } };
const b = await startSimBench({ latency: 'zero', config: cfg });
console.log(b.url);
const cs = [];
for (let i = 0; i < 64; i++) {
  try {
    cs.push(await connect(b.url, { reconnect: false, heartbeat: false }));
  } catch (e) {
    console.log(i, e.code, e.message);
    break;
  }
}
console.log('n', cs.length, cs[0]?.caps.maxClients);
for (const c of cs) c.close();
await b.close();
console.log('closed');
process.exit(0);
